/**
 * The profile service: the profiles of the settings and their credentials (the keychain, or the
 * environment's for the origin they were given for), the active profile and its counted service,
 * the Sandbox and its simulator (started through the injected factory on first use), Test
 * connection and its messages, and the identity the status shows.
 */
import { randomUUID } from 'node:crypto';
import {
  ProfileInputSchema,
  SecretInputSchema,
  type ConnectionTest,
  type ProfileInput,
  type SecretInput,
} from '../../../shared/contract';
import type { ApiGeneration, EngineStatus, Profile } from '../../../shared/domain';
import {
  ProfileRecordSchema,
  SANDBOX_BASE_URL,
  SANDBOX_PROFILE,
  SANDBOX_PROFILE_ID,
  type ProfileRecord,
  type Settings,
} from '../../../shared/settings';
import { normaliseBaseUrl, originOf, requireSecureBaseUrl } from '../api/base-url';
import { createServiceForGeneration, detectGeneration } from '../api/detect-generation';
import type { ClientNetwork } from '../api/authenta-client';
import { isAuthentaError } from '../api/errors';
import type { BlockBoard } from '../pipeline/blocks';
import type { ActiveService, ProfileView } from '../pipeline/views';
import { CountingService } from '../pipeline/counting-service';
import type {
  Clock,
  Credentials,
  DetectionService,
  Disposable,
  Logger,
  SandboxSimulator,
  SecretStore,
  SimulatorFactory,
} from '../ports';
import type { QuotaKind } from '../ledger/ledger';
import type { EngineSettings } from './engine-settings';
import { userError } from './user-error';

/** Where Authenta lives unless a profile says otherwise. */
export const DEFAULT_BASE_URL = 'https://platform.authenta.ai/api';
/** The id of the profile made for credentials given in the environment when no profile exists. */
export const ENV_PROFILE_ID = 'default';

/** What the profile service needs. */
export interface ProfileServiceOptions {
  settings: EngineSettings;
  secrets: SecretStore;
  clock: Clock;
  logger: Logger;
  /** Where a profile that cannot be used says why (an `auth` block). */
  board: BlockBoard;
  /** One API call was made (the status counts them). */
  countCall(quota: QuotaKind): void;
  /** Starts the Sandbox's simulator. */
  simulatorFactory: SimulatorFactory;
  /** Processing time of the Sandbox's simulator (default 3000 ms). */
  sandboxProcessingMs?: number;
  /** Builds the service of a profile; default: the adapter of the profile's API generation. */
  serviceFactory?: (profile: ProfileRecord, credentials: Credentials) => DetectionService;
  /** Credentials from the environment: they override the keychain, for their origin only. */
  envCredentials?: Credentials | null;
  /** The base URL of the profile made for environment credentials (default DEFAULT_BASE_URL). */
  envBaseUrl?: string;
  /** The active profile was built again (with `resume`: blocked jobs may go on). */
  afterActivation(resume: boolean): Promise<void>;
  /** The proxy routes and the upload cap of every client (the Sandbox is reached without the proxy). */
  network?: ClientNetwork;
}

export function isSandbox(p: ProfileRecord): boolean {
  return p.id === SANDBOX_PROFILE_ID || p.baseUrl === SANDBOX_BASE_URL;
}

function credentialsOf(secret: SecretInput): Credentials {
  return 'apiKey' in secret
    ? { kind: 'apikey', apiKey: secret.apiKey }
    : { kind: 'client', clientId: secret.clientId, clientSecret: secret.clientSecret };
}

/** See the module comment. `start()` chooses the profile; `dispose()` stops the Sandbox's simulator. */
export class ProfileService implements Disposable {
  private activeService: ActiveService | null = null;
  private activeProfileId: string = SANDBOX_PROFILE_ID;
  private activation: Promise<void> = Promise.resolve();
  private sim: SandboxSimulator | null = null;
  private simStarting: Promise<SandboxSimulator> | null = null;
  /** The active profile and the keychain's state as the status shows them (asked again when they can change). */
  private identityCache: Pick<EngineStatus, 'profile' | 'keychain'> | null = null;
  /** The origin the environment's credentials were given for; they go nowhere else. */
  private envOrigin: string | null = null;

  constructor(private readonly options: ProfileServiceOptions) {}

  private get settings(): Settings {
    return this.options.settings.current;
  }
  private get board(): BlockBoard {
    return this.options.board;
  }
  private get clock(): Clock {
    return this.options.clock;
  }
  private get logger(): Logger {
    return this.options.logger;
  }

  /** What the pipeline's stages read of the active profile (read at each decision). */
  readonly view: ProfileView = {
    active: () => this.active,
    activeProfileId: () => this.activeId,
    generation: () => this.generation(),
  };

  /** The active profile's service; null when it cannot be used (the board says why). */
  get active(): ActiveService | null {
    return this.activeService;
  }

  /** The id of the active profile (set even when its service cannot be built). */
  get activeId(): string {
    return this.activeProfileId;
  }

  /** Settles when the latest change of profile has been applied. */
  settled(): Promise<void> {
    return this.activation;
  }

  /**
   * The API generation files are prepared for: the active service's, else the active profile's
   * setting.
   */
  generation(): ApiGeneration {
    return (
      this.activeService?.service.generation ??
      (this.profileRecord(this.activeProfileId) ?? SANDBOX_PROFILE).generation
    );
  }

  /** Makes the environment's profile if needed, binds its credentials to their origin, activates the chosen profile. */
  async start(): Promise<void> {
    await this.ensureEnvProfile();
    if (this.options.envCredentials) {
      const chosen = await this.chooseProfile();
      const given = this.options.envBaseUrl ?? (isSandbox(chosen) ? DEFAULT_BASE_URL : chosen.baseUrl);
      this.envOrigin = originOf(normaliseBaseUrl(given));
    }
    await this.activateProfile();
  }

  /** Stops the Sandbox's simulator (also one still starting). */
  async dispose(): Promise<void> {
    const sim = this.sim ?? (await this.simStarting?.catch(() => null)) ?? null;
    await sim?.close();
  }

  /**
   * Loopback origins the UI may play heatmaps from besides https: the Sandbox simulator's, once
   * it runs (its heatmap links point at it). Hosts put them in their CSP.
   */
  mediaOrigins(): string[] {
    return this.sim ? [new URL(this.sim.url).origin] : [];
  }

  private async saveSettings(): Promise<void> {
    await this.options.settings.save();
  }

  async listProfiles(): Promise<{ profiles: Profile[]; activeId: string | null }> {
    const profiles = await Promise.all(this.settings.profiles.map((p) => this.toProfile(p)));
    return { profiles, activeId: this.activeId };
  }

  async saveProfile(input: ProfileInput): Promise<Profile> {
    const parsed = ProfileInputSchema.parse(input);
    if (parsed.id === SANDBOX_PROFILE_ID)
      throw userError('The Sandbox profile is built in and cannot be changed.');
    if (parsed.baseUrl.trim() === SANDBOX_BASE_URL)
      throw userError(`${SANDBOX_BASE_URL} is reserved for the Sandbox profile.`);
    const baseUrl = (() => {
      try {
        const canonical = normaliseBaseUrl(parsed.baseUrl);
        requireSecureBaseUrl(canonical);
        return canonical;
      } catch (e) {
        throw userError(e instanceof Error ? e.message : String(e), 'INVALID_BASE_URL');
      }
    })();
    const id = parsed.id ?? `p-${randomUUID().slice(0, 8)}`;
    const previous = this.settings.profiles.find((p) => p.id === id);
    if (previous && originOf(previous.baseUrl) !== originOf(baseUrl)) {
      // A stored secret is bound to the host it was entered for: never sent to a new one
      // (issue 9, item 11). The user enters it again for the new address.
      await this.options.secrets.delete(id);
      this.logger.info('profile moved to another host: its stored secret was removed', { profile: id });
    }
    const record = ProfileRecordSchema.parse({
      id,
      name: parsed.name,
      baseUrl,
      generation: parsed.generation,
      simulated: false,
    });
    const index = this.settings.profiles.findIndex((p) => p.id === id);
    if (parsed.id !== undefined && index < 0) throw userError(`There is no profile ${parsed.id}.`);
    if (index >= 0) this.settings.profiles[index] = record;
    else this.settings.profiles.push(record);
    await this.saveSettings();
    if (id === this.activeId) await this.reactivate(true);
    return this.toProfile(record);
  }

  async removeProfile(id: string): Promise<void> {
    if (id === SANDBOX_PROFILE_ID) throw userError('The Sandbox profile is built in and cannot be removed.');
    this.requireProfile(id);
    this.settings.profiles = this.settings.profiles.filter((p) => p.id !== id);
    if (this.settings.activeProfileId === id) this.settings.activeProfileId = null;
    await this.saveSettings();
    await this.options.secrets
      .delete(id)
      .catch((e: unknown) => this.logger.warn('could not delete a secret', { message: String(e) }));
    if (id === this.activeId) await this.reactivate(true);
  }

  async selectProfile(id: string): Promise<void> {
    this.requireProfile(id);
    this.settings.activeProfileId = id;
    await this.saveSettings();
    await this.reactivate(true);
  }

  async setSecret(profileId: string, secret: SecretInput): Promise<void> {
    const profile = this.requireProfile(profileId);
    if (isSandbox(profile))
      throw userError('The Sandbox profile uses built-in demo credentials; it needs no secret.');
    await this.options.secrets.set(profileId, credentialsOf(SecretInputSchema.parse(secret)));
    if (profileId === this.activeId || this.settings.activeProfileId === null) await this.reactivate(true);
  }

  async clearSecret(profileId: string): Promise<void> {
    this.requireProfile(profileId);
    await this.options.secrets.delete(profileId);
    if (profileId === this.activeId) await this.reactivate(true);
  }

  /**
   * One Query call with the profile's own API and credentials. With `detect`, the server is asked
   * which API it speaks instead (detectGeneration: one call, or two for an API key whose API is
   * not the profile's setting): the answer names the generation that answered.
   */
  async testConnection(profileId: string, options?: { detect?: boolean }): Promise<ConnectionTest> {
    const profile = this.requireProfile(profileId);
    const noCredentials: ConnectionTest = {
      ok: false,
      generation: null,
      code: 'NO_CREDENTIALS',
      message:
        'No secret is stored for this profile: enter the client ID and secret (or an API key), then test again.',
    };
    if (options?.detect && !this.options.serviceFactory) {
      const target = await this.connectionTarget(profile);
      if (!target) return noCredentials;
      const detected = await detectGeneration({
        baseUrl: target.baseUrl,
        credentials: target.credentials,
        logger: this.logger,
        clock: this.clock,
        network: this.networkFor(isSandbox(profile)),
        preferred: profile.generation,
        onCall: (call) => {
          if (call.kind !== 'upload') this.options.countCall(call.kind);
        },
      });
      return {
        ok: detected.ok,
        generation: detected.generation,
        code: detected.code,
        message: isSandbox(profile)
          ? `${detected.message} (the Sandbox: simulated Authenta)`
          : detected.message,
      };
    }
    let service: DetectionService;
    try {
      const built = await this.buildService(profile);
      if (!built) return noCredentials;
      service = built.service;
    } catch (e) {
      return {
        ok: false,
        generation: null,
        code: isAuthentaError(e) ? e.code : 'INVALID',
        message: String((e as Error).message ?? e),
      };
    }
    try {
      const page = await service.list({ limit: 1, offset: 0 });
      return {
        ok: true,
        generation: options?.detect ? service.generation : null,
        code: null,
        message: `Connected to ${isSandbox(profile) ? 'the Sandbox (simulated Authenta)' : 'Authenta'}: the account has ${page.total} record${page.total === 1 ? '' : 's'}.`,
      };
    } catch (e) {
      if (!isAuthentaError(e)) return { ok: false, generation: null, code: 'INTERNAL', message: String(e) };
      const hint =
        e.kind === 'not-found' && !options?.detect
          ? ' Tick "Detect which API the server speaks" and test again: this address may speak another API generation.'
          : '';
      return { ok: false, generation: null, code: e.code, message: `${e.message}. ${e.action}${hint}` };
    }
  }

  /** Where a profile's calls go and with which credentials (the Sandbox: its own simulator). */
  private async connectionTarget(
    profile: ProfileRecord,
  ): Promise<{ baseUrl: string; credentials: Credentials } | null> {
    if (isSandbox(profile)) {
      const sim = await this.sandbox();
      return { baseUrl: sim.url, credentials: { kind: 'client', ...sim.credentials } };
    }
    const credentials = await this.credentialsFor(profile);
    return credentials ? { baseUrl: profile.baseUrl, credentials } : null;
  }

  /** Credentials in the environment and no profile to use them: make one. */
  private async ensureEnvProfile(): Promise<void> {
    const env = this.options.envCredentials;
    if (!env || this.settings.activeProfileId !== null) return;
    if (this.settings.profiles.some((p) => !isSandbox(p))) return;
    this.settings.profiles.push({
      id: ENV_PROFILE_ID,
      name: 'Authenta',
      baseUrl: normaliseBaseUrl(this.options.envBaseUrl ?? DEFAULT_BASE_URL),
      generation: env.kind === 'client' ? 'media-client' : 'media-apikey',
      simulated: false,
    });
    await this.saveSettings();
  }

  /** The profile in use: the chosen one; else the one the environment's credentials are for; else one with a secret; else the Sandbox. */
  private async chooseProfile(): Promise<ProfileRecord> {
    const chosen = this.settings.activeProfileId ? this.profileRecord(this.settings.activeProfileId) : null;
    if (chosen) return chosen;
    const real = this.settings.profiles.filter((p) => !isSandbox(p));
    if (this.options.envCredentials && real[0]) return real[0];
    for (const p of real) if (await this.options.secrets.get(p.id).catch(() => null)) return p;
    return this.profileRecord(SANDBOX_PROFILE_ID) ?? SANDBOX_PROFILE;
  }

  /**
   * Whether the environment's credentials may be sent for `profile`: only to the origin they were
   * given for (the environment's base URL, or the active profile's when the engine started).
   */
  private envCredentialsFit(profile: ProfileRecord): boolean {
    return (
      this.options.envCredentials != null &&
      profile.id === this.activeId &&
      !isSandbox(profile) &&
      this.envOrigin !== null &&
      originOf(profile.baseUrl) === this.envOrigin
    );
  }

  private async credentialsFor(profile: ProfileRecord): Promise<Credentials | null> {
    const env = this.options.envCredentials;
    if (env && this.envCredentialsFit(profile)) return env;
    return this.options.secrets.get(profile.id).catch(() => null);
  }

  private async sandbox(): Promise<SandboxSimulator> {
    if (this.sim) return this.sim;
    if (!this.simStarting) {
      const processingMs = this.options.sandboxProcessingMs ?? 3_000;
      this.simStarting = this.options.simulatorFactory({ processingMs }).then((s) => {
        this.sim = s;
        return s;
      });
    }
    return this.simStarting;
  }

  /** The Sandbox's simulator listens on this computer: no proxy in between (the cap still holds). */
  private networkFor(sandbox: boolean): ClientNetwork | undefined {
    const network = this.options.network;
    return sandbox && network ? { uploadRate: network.uploadRate } : network;
  }

  /** A counted service for a profile, or null when it has no credentials. */
  private async buildService(
    profile: ProfileRecord,
  ): Promise<{ service: DetectionService; simulated: boolean } | null> {
    let baseUrl = profile.baseUrl;
    let credentials: Credentials | null;
    const sandbox = isSandbox(profile);
    if (sandbox) {
      const sim = await this.sandbox();
      baseUrl = sim.url;
      credentials = { kind: 'client', ...sim.credentials };
    } else {
      credentials = await this.credentialsFor(profile);
    }
    if (!credentials) return null;
    const inner = this.options.serviceFactory
      ? this.options.serviceFactory({ ...profile, baseUrl }, credentials)
      : createServiceForGeneration(profile.generation, {
          baseUrl,
          credentials,
          logger: this.logger,
          clock: this.clock,
          network: this.networkFor(sandbox),
        });
    return {
      service: new CountingService(inner, (q) => this.options.countCall(q)),
      simulated: sandbox || profile.simulated,
    };
  }

  /**
   * Choose and build the active profile's service again (after a profile or its secret changed),
   * one change at a time; with `resume`, blocked jobs go on with it (the engine's `afterActivation`).
   */
  private reactivate(resume: boolean): Promise<void> {
    this.activation = this.activation.then(async () => {
      this.board.clear();
      await this.activateProfile();
      await this.options.afterActivation(resume);
    });
    return this.activation;
  }

  private async activateProfile(): Promise<void> {
    this.identityCache = null;
    const profile = await this.chooseProfile();
    this.activeProfileId = profile.id;
    this.activeService = null;
    try {
      const built = await this.buildService(profile);
      if (!built) {
        this.board.set(
          'auth',
          { code: 'NO_CREDENTIALS', message: `The profile "${profile.name}" has no credentials` },
          null,
        );
        return;
      }
      const processingMs = this.options.sandboxProcessingMs ?? 3_000;
      this.activeService = {
        profile,
        service: built.service,
        simulated: built.simulated,
        defaults: isSandbox(profile)
          ? { defaultImageMs: processingMs, defaultVideoMs: processingMs }
          : undefined,
      };
    } catch (e) {
      const err = isAuthentaError(e) ? e : null;
      this.logger.error('the profile cannot be used', {
        profile: profile.id,
        code: err?.code,
        message: String((e as Error).message),
      });
      this.board.set(
        'auth',
        { code: err?.code ?? 'PROFILE_UNUSABLE', message: err?.message ?? String(e) },
        null,
      );
    }
  }

  private async toProfile(p: ProfileRecord): Promise<Profile> {
    const sandbox = isSandbox(p);
    const hasSecret =
      sandbox ||
      this.envCredentialsFit(p) ||
      (await this.options.secrets.get(p.id).catch(() => null)) !== null;
    return {
      id: p.id,
      name: p.name,
      baseUrl: p.baseUrl,
      generation: p.generation,
      simulated: sandbox || p.simulated,
      hasSecret,
    };
  }

  /** The status's profile and keychain, without asking the keychain at every status. */
  async identity(): Promise<Pick<EngineStatus, 'profile' | 'keychain'>> {
    if (!this.identityCache) {
      this.identityCache = {
        profile: await this.toProfile(this.profileRecord(this.activeId) ?? SANDBOX_PROFILE),
        keychain: await this.options.secrets.availability(),
      };
    }
    return this.identityCache;
  }

  profileRecord(id: string): ProfileRecord | null {
    return (
      this.settings.profiles.find((p) => p.id === id) ?? (id === SANDBOX_PROFILE_ID ? SANDBOX_PROFILE : null)
    );
  }

  requireProfile(id: string): ProfileRecord {
    const p = this.profileRecord(id);
    if (!p) throw userError(`There is no profile ${id}.`, 'NOT_FOUND');
    return p;
  }
}
