/**
 * Which API generations the built app can run end to end, found out by asking the engine itself
 * rather than by a flag in the tests: an engine built the way the CLI builds it (no service
 * factory) is started on a profile of the generation, and either uses it or refuses it with
 * UNSUPPORTED_GENERATION. When the refusal goes away, the tests that need the generation run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiGeneration } from '../../src/shared/domain';
import { defaultSettings } from '../../src/shared/settings';
import { Engine } from '../../src/main/core/engine';
import { createLogger, MemoryLogSink } from '../../src/main/core/logger';
import { InMemorySecretStore } from '../../src/main/core/secrets/in-memory-secret-store';
import { InMemorySettingsStore } from '../../src/main/core/settings/in-memory-settings-store';

/** Whether the engine, as the CLI composes it, accepts a profile of `generation` (no network call is made). */
export async function engineSupports(generation: ApiGeneration): Promise<boolean> {
  const dir = await mkdtemp(join(tmpdir(), 'authenta-e2e-probe-'));
  const settings = defaultSettings();
  settings.profiles.push({
    id: 'probe',
    name: 'Probe',
    // Nothing listens here: building the service makes no call.
    baseUrl: 'http://127.0.0.1:9/api',
    generation,
    simulated: false,
  });
  settings.activeProfileId = 'probe';
  const secrets = new InMemorySecretStore();
  await secrets.set(
    'probe',
    generation === 'media-client'
      ? { kind: 'client', clientId: 'probe', clientSecret: 'probe-secret' }
      : { kind: 'apikey', apiKey: 'probe-key' },
  );
  const engine = new Engine({
    dataDir: dir,
    logger: createLogger({ sinks: [new MemoryLogSink()], level: 'error' }),
    settings: new InMemorySettingsStore(settings),
    secrets,
  });
  try {
    await engine.start();
    const status = await engine.getStatus();
    return !status.blocks.some((b) => b.code === 'UNSUPPORTED_GENERATION');
  } finally {
    await engine.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}
