import { describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { createLogger } from '../../../src/main/core/logger';
import { PowerCoordinator, type PowerAwareEngine } from '../../../src/main/desktop/power';
import { FakeEngine } from './fake-engine';

function setup(engine: PowerAwareEngine) {
  const monitor = new EventEmitter();
  const power = new PowerCoordinator(
    monitor as unknown as Pick<Electron.PowerMonitor, 'on' | 'removeListener'>,
    engine,
    createLogger({ sinks: [] }),
  );
  return { monitor, power };
}

describe('PowerCoordinator', () => {
  it('pauses on suspend, and on resume rescans and continues', async () => {
    const engine = Object.assign(new FakeEngine(), {
      rescan: async () => void engine.calls.push(['rescan']),
    });
    const { monitor, power } = setup(engine);
    monitor.emit('suspend');
    await power.idle();
    expect(engine.status.paused).toBe(true);
    monitor.emit('resume');
    await power.idle();
    expect(engine.calls.map((c) => c[0])).toEqual(['getStatus', 'pauseAll', 'rescan', 'resumeAll']);
    expect(engine.status.paused).toBe(false);
  });

  it('leaves a queue the user paused paused', async () => {
    const engine = new FakeEngine();
    await engine.pauseAll();
    engine.calls.length = 0;
    const { monitor, power } = setup(engine);
    monitor.emit('suspend');
    monitor.emit('resume');
    await power.idle();
    expect(engine.called('pauseAll')).toEqual([]);
    expect(engine.called('resumeAll')).toEqual([]);
    expect(engine.status.paused).toBe(true);
  });

  it("uses the engine's own suspend and resume when it has them", async () => {
    const engine = Object.assign(new FakeEngine(), {
      suspend: async () => void engine.calls.push(['suspend']),
      resume: async () => void engine.calls.push(['resume']),
    });
    const { monitor, power } = setup(engine);
    monitor.emit('suspend');
    monitor.emit('resume');
    await power.idle();
    expect(engine.calls).toEqual([['suspend'], ['resume']]);
  });

  it('keeps handling events after a failure, and stops listening when disposed', async () => {
    const engine = Object.assign(new FakeEngine(), {
      suspend: async () => {
        throw new Error('disk full');
      },
      resume: async () => void engine.calls.push(['resume']),
    });
    const { monitor, power } = setup(engine);
    monitor.emit('suspend');
    monitor.emit('resume');
    await power.idle();
    expect(engine.calls).toEqual([['resume']]);
    power.dispose();
    expect(monitor.listenerCount('suspend') + monitor.listenerCount('resume')).toBe(0);
  });
});
