import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultSettings, SANDBOX_BASE_URL, SANDBOX_PROFILE_ID } from '../../../../src/shared/settings';
import { createLogger, MemoryLogSink } from '../../../../src/main/core/logger';
import { BlockBoard } from '../../../../src/main/core/pipeline/blocks';
import { systemClock, type SandboxSimulator } from '../../../../src/main/core/ports';
import { InMemorySecretStore } from '../../../../src/main/core/secrets/in-memory-secret-store';
import { EngineSettings } from '../../../../src/main/core/services/engine-settings';
import { ProfileService } from '../../../../src/main/core/services/profile-service';
import { InMemorySettingsStore } from '../../../../src/main/core/settings/in-memory-settings-store';
import { startSimulator } from '../../../../src/main/sim';

let board: BlockBoard;
let secrets: InMemorySecretStore;
let settings: EngineSettings;
let started: SandboxSimulator[];
let closed: number;
let calls: string[];
let activations: boolean[];
let service: ProfileService;

beforeEach(async () => {
  board = new BlockBoard(systemClock);
  secrets = new InMemorySecretStore();
  settings = new EngineSettings(new InMemorySettingsStore(defaultSettings()));
  await settings.load();
  started = [];
  closed = 0;
  calls = [];
  activations = [];
  service = new ProfileService({
    settings,
    secrets,
    clock: systemClock,
    logger: createLogger({ sinks: [new MemoryLogSink()] }),
    board,
    countCall: (q) => calls.push(q),
    simulatorFactory: async (o) => {
      const sim = await startSimulator({ processingMs: o.processingMs });
      const wrapped: SandboxSimulator = {
        url: sim.url,
        credentials: sim.credentials,
        close: async () => {
          closed++;
          await sim.close();
        },
      };
      started.push(wrapped);
      return wrapped;
    },
    sandboxProcessingMs: 50,
    afterActivation: async (resume) => {
      activations.push(resume);
    },
  });
});
afterEach(async () => {
  await service.dispose();
  board.dispose();
});

describe('ProfileService', () => {
  it('with nothing set up uses the Sandbox, starting its simulator through the factory once', async () => {
    await service.start();
    expect(service.activeId).toBe(SANDBOX_PROFILE_ID);
    expect(service.active).toMatchObject({ simulated: true, defaults: { defaultImageMs: 50 } });
    expect(started).toHaveLength(1);
    expect(service.mediaOrigins()).toEqual([new URL(started[0]!.url).origin]);
    const test = await service.testConnection(SANDBOX_PROFILE_ID);
    expect(test).toMatchObject({ ok: true, code: null });
    expect(test.message).toMatch(
      /^Connected to the Sandbox \(simulated Authenta\): the account has 0 records\.$/,
    );
    expect(calls).toEqual(['query']);
    expect(started).toHaveLength(1);
    await service.dispose();
    expect(closed).toBe(1);
  });

  it('refuses to change the Sandbox or to reuse its address, and a profile without a secret says so', async () => {
    await service.start();
    await expect(
      service.saveProfile({
        id: SANDBOX_PROFILE_ID,
        name: 'x',
        baseUrl: 'https://a.example/api',
        generation: 'media-client',
      }),
    ).rejects.toThrow('The Sandbox profile is built in and cannot be changed.');
    await expect(
      service.saveProfile({ name: 'x', baseUrl: SANDBOX_BASE_URL, generation: 'media-client' }),
    ).rejects.toThrow(/reserved for the Sandbox profile/);
    const saved = await service.saveProfile({
      name: 'Desk',
      baseUrl: 'https://a.example/api',
      generation: 'media-client',
    });
    expect(saved).toMatchObject({ name: 'Desk', hasSecret: false, simulated: false });
    expect(await service.testConnection(saved.id)).toMatchObject({ ok: false, code: 'NO_CREDENTIALS' });
    await service.selectProfile(saved.id);
    expect(service.activeId).toBe(saved.id);
    expect(service.active).toBeNull();
    expect(board.list()).toMatchObject([{ kind: 'auth', code: 'NO_CREDENTIALS' }]);
    expect(activations).toEqual([true]);
    expect((await service.identity()).profile).toMatchObject({ id: saved.id, hasSecret: false });
  });

  it('a secret stored for a profile makes it usable; moving the profile to another host removes the secret', async () => {
    await service.start();
    const sim = await startSimulator({ processingMs: 50 });
    try {
      const saved = await service.saveProfile({ name: 'Sim', baseUrl: sim.url, generation: 'media-client' });
      await service.setSecret(saved.id, sim.credentials);
      await service.selectProfile(saved.id);
      expect(service.active?.profile.id).toBe(saved.id);
      expect((await service.testConnection(saved.id)).ok).toBe(true);
      await service.saveProfile({
        id: saved.id,
        name: 'Sim',
        baseUrl: 'https://elsewhere.example/api',
        generation: 'media-client',
      });
      expect(await secrets.get(saved.id)).toBeNull();
      expect((await service.listProfiles()).profiles.find((p) => p.id === saved.id)).toMatchObject({
        hasSecret: false,
      });
    } finally {
      await sim.close();
    }
  });
});
