/**
 * How a CLI run changes the stored settings before the engine starts: which profile is active
 * (the Sandbox with --simulate, `--profile`, or the "default" profile), its base URL and API
 * generation (`--api`, else the profile's setting, else what the server said it speaks), the
 * folders watched in this run with the flag options, and the preferences given by flags. Pure:
 * settings in, settings out; asking the server is the CLI's part (see `needsDetection`).
 */
import { createHash } from 'node:crypto';
import { FolderOptionsSchema, type ApiGeneration } from '../../shared/domain';
import {
  SANDBOX_PROFILE,
  SANDBOX_PROFILE_ID,
  type FolderRecord,
  type ProfileRecord,
  type Settings,
} from '../../shared/settings';
import { DEFAULT_BASE_URL, DEFAULT_PROFILE_ID, type ApiChoice, type RunCommand } from './args';

/** The kind of credentials found for the profile (environment or keychain), if any. */
export type CredentialKind = 'client' | 'apikey' | null;

export interface PreparedRun {
  settings: Settings;
  /** The active profile for this run. */
  profileId: string;
  /** Ids of the folders of this run, in the order given. */
  folderIds: string[];
}

/** A stable folder id for a path, so a folder keeps its jobs across runs. */
export function folderIdFor(path: string): string {
  return `cli-${createHash('sha256').update(path).digest('hex').slice(0, 12)}`;
}

/** A profile id for a name typed on the command line: lower case, [a-z0-9-], at most 64. */
export function profileIdFor(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
  return slug === '' ? DEFAULT_PROFILE_ID : slug;
}

/** The profile named by id or (case-insensitively) by name. */
export function findProfile(settings: Settings, idOrName: string): ProfileRecord | undefined {
  const lower = idOrName.toLowerCase();
  return (
    settings.profiles.find((p) => p.id === idOrName) ??
    settings.profiles.find((p) => p.name.toLowerCase() === lower)
  );
}

/**
 * The generation a profile speaks given the credentials found: an API key means the media API
 * with API keys, client credentials the media API with client credentials; the Jobs API (which
 * takes API keys too) stays as configured.
 */
export function generationFor(current: ApiGeneration | null, credentials: CredentialKind): ApiGeneration {
  if (credentials === 'client') return 'media-client';
  if (credentials === 'apikey') return current === 'jobs-v1' ? 'jobs-v1' : 'media-apikey';
  return current ?? 'media-client';
}

/** The generation an `--api` choice names for these credentials (the media API's flavour follows them). */
export function generationForChoice(api: ApiChoice, credentials: CredentialKind): ApiGeneration {
  if (api === 'jobs') return 'jobs-v1';
  return credentials === 'apikey' ? 'media-apikey' : 'media-client';
}

/** Whether a generation can be spoken with these credentials: a client pair only to the media API's first. */
export function fitsCredentials(generation: ApiGeneration, credentials: CredentialKind): boolean {
  if (credentials === null) return true;
  return credentials === 'client' ? generation === 'media-client' : generation !== 'media-client';
}

/**
 * Whether the CLI must ask the server which API it speaks before the run: no `--api`, an API key
 * (a client pair can only be the media API), and no setting of the profile that fits the key
 * (the profile is new, or was set up for a client pair). The Sandbox is never asked.
 */
export function needsDetection(
  settings: Settings,
  idOrName: string,
  api: ApiChoice | null,
  credentials: CredentialKind,
): boolean {
  if (api !== null || credentials !== 'apikey') return false;
  const existing = findProfile(settings, idOrName);
  if (existing?.simulated) return false;
  return !existing || !fitsCredentials(existing.generation, credentials);
}

/**
 * Make sure a real (not simulated) profile exists for `idOrName`, with `baseUrl` when given and
 * `generation` when given (from `--api` or detection), else the generation its credentials imply.
 * Returns the new settings and the profile's id.
 */
export function ensureProfile(
  settings: Settings,
  idOrName: string,
  baseUrl: string | null,
  credentials: CredentialKind,
  generation: ApiGeneration | null = null,
): { settings: Settings; profileId: string } {
  const existing = findProfile(settings, idOrName);
  if (existing) {
    const updated: ProfileRecord = {
      ...existing,
      baseUrl: existing.simulated ? existing.baseUrl : (baseUrl ?? existing.baseUrl),
      generation: existing.simulated
        ? existing.generation
        : (generation ?? generationFor(existing.generation, credentials)),
    };
    return {
      settings: { ...settings, profiles: settings.profiles.map((p) => (p.id === existing.id ? updated : p)) },
      profileId: existing.id,
    };
  }
  let id = profileIdFor(idOrName);
  for (let n = 2; settings.profiles.some((p) => p.id === id); n++) id = `${profileIdFor(idOrName)}-${n}`;
  const created: ProfileRecord = {
    id,
    name: idOrName.slice(0, 100),
    baseUrl: baseUrl ?? DEFAULT_BASE_URL,
    generation: generation ?? generationFor(null, credentials),
    simulated: false,
  };
  return { settings: { ...settings, profiles: [...settings.profiles, created] }, profileId: id };
}

/**
 * The settings for a run: see the module comment. `detected`: what the server said it speaks,
 * when it was asked (`--api` wins over it). Folders of earlier runs are no longer watched.
 */
export function prepareRunSettings(
  settings: Settings,
  cmd: RunCommand,
  credentials: CredentialKind,
  detected: ApiGeneration | null = null,
): PreparedRun {
  let next = settings;
  let profileId: string;
  if (cmd.simulate) {
    if (!next.profiles.some((p) => p.id === SANDBOX_PROFILE_ID)) {
      next = { ...next, profiles: [SANDBOX_PROFILE, ...next.profiles] };
    }
    profileId = SANDBOX_PROFILE_ID;
  } else {
    ({ settings: next, profileId } = ensureProfile(
      next,
      cmd.profile ?? DEFAULT_PROFILE_ID,
      cmd.baseUrl,
      credentials,
      cmd.api !== null ? generationForChoice(cmd.api, credentials) : detected,
    ));
  }

  const preferences = {
    ...next.preferences,
    ...(cmd.concurrency !== null ? { concurrency: cmd.concurrency } : {}),
    ...(cmd.maxUploadRate !== null ? { maxUploadBytesPerSecond: cmd.maxUploadRate } : {}),
  };
  let folders = next.folders;
  const folderIds: string[] = [];
  if (cmd.folders.length > 0) {
    const unique = [...new Set(cmd.folders)];
    folders = unique.map((path): FolderRecord => {
      const previous = next.folders.find((f) => f.path === path);
      const options = FolderOptionsSchema.parse({
        ...(previous ?? {}),
        recursive: cmd.recursive,
        videoModel: cmd.videoModel,
        imageModel: cmd.imageModel,
        usePolling: cmd.pollMs !== null,
        ...(cmd.pollMs !== null ? { pollIntervalMs: cmd.pollMs } : {}),
        ...(cmd.stabilityMs !== null ? { stabilityMs: cmd.stabilityMs } : {}),
        after: cmd.after,
      });
      const id = previous?.id ?? folderIdFor(path);
      folderIds.push(id);
      return { ...options, id, path, paused: false };
    });
  } else {
    folderIds.push(...folders.map((f) => f.id));
  }
  return { settings: { ...next, activeProfileId: profileId, preferences, folders }, profileId, folderIds };
}
