import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Block } from '../../../src/shared/domain';
import {
  MAX_VERDICT_NOTIFICATIONS,
  Notifier,
  createNativeNotifier,
  statusNotifications,
  verdictNotifications,
  type NotificationSpec,
} from '../../../src/main/desktop/notifications';
import { FakeEngine, makeFolder, makeJob, makeStatus } from './fake-engine';
import { FakeNotification, resetFakeElectron } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).electronModule());

const block = (kind: Block['kind'], code: string): Block => ({
  kind,
  code,
  message: `${code} happened.`,
  action: 'Do the thing.',
  since: 0,
  retryAt: null,
});

const unavailable = makeFolder({
  id: 'card',
  path: '/media/card',
  health: { state: 'unavailable', message: 'The card was removed.', lastEventAt: null },
});

describe('statusNotifications', () => {
  it.each([
    [
      'credits block appears',
      makeStatus(),
      makeStatus({ blocks: [block('credits', 'INSUFFICIENT_BALANCE')] }),
      ['Checking stopped: out of credits'],
    ],
    [
      'quota block appears',
      makeStatus(),
      makeStatus({ blocks: [block('quota-mutation', 'AA001')] }),
      ['Checking stopped: the API quota is used up'],
    ],
    [
      'credentials refused',
      makeStatus(),
      makeStatus({ blocks: [block('auth', 'IAM001')] }),
      ['Checking stopped: the credentials were refused'],
    ],
    [
      'same block again',
      makeStatus({ blocks: [block('credits', 'X')] }),
      makeStatus({ blocks: [block('credits', 'X')] }),
      [],
    ],
    [
      'offline is not worth a notification',
      makeStatus(),
      makeStatus({ blocks: [block('offline', 'NETWORK')] }),
      [],
    ],
    [
      'folder becomes unavailable',
      makeStatus({ folders: [makeFolder({ id: 'card' })] }),
      makeStatus({ folders: [unavailable] }),
      ['Folder unavailable: card'],
    ],
    [
      'folder still unavailable',
      makeStatus({ folders: [unavailable] }),
      makeStatus({ folders: [unavailable] }),
      [],
    ],
    [
      'first status with a block',
      null,
      makeStatus({ blocks: [block('permission', 'IAM002')] }),
      ['Checking stopped: a permission is missing'],
    ],
    ['block clears', makeStatus({ blocks: [block('credits', 'X')] }), makeStatus(), []],
  ])('%s', (_name, prev, next, titles) => {
    expect(statusNotifications(prev, next).map((n) => n.title)).toEqual(titles);
  });

  it('says what happened and what to do', () => {
    const [spec] = statusNotifications(
      null,
      makeStatus({ blocks: [block('credits', 'INSUFFICIENT_BALANCE')] }),
    );
    expect(spec!.body).toBe('INSUFFICIENT_BALANCE happened. Do the thing.');
    const [folder] = statusNotifications(null, makeStatus({ folders: [unavailable] }));
    expect(folder!.body).toBe('The card was removed.');
  });
});

describe('verdictNotifications', () => {
  const since = 1_000;
  it.each([
    ['fake', makeJob({ id: 1, doneAt: 2_000 }), ['Likely fake: a.jpg']],
    ['suspect', makeJob({ id: 2, doneAt: 2_000, verdict: { label: 'suspect' } }), ['Suspect: a.jpg']],
    ['authentic', makeJob({ doneAt: 2_000, verdict: { label: 'authentic', confidence: 0.99 } }), []],
    ['inconclusive', makeJob({ doneAt: 2_000, verdict: { label: 'inconclusive' } }), []],
    ['still processing', makeJob({ state: 'processing', verdict: null, doneAt: null }), []],
    ['an old verdict re-sent', makeJob({ doneAt: 500 }), []],
  ])('%s', (_name, job, titles) => {
    expect(verdictNotifications([{ type: 'upsert', job }], since).map((n) => n.title)).toEqual(titles);
  });

  it('gives the confidence as a percent, labels simulated results, and links to the job', () => {
    const [spec] = verdictNotifications(
      [{ type: 'upsert', job: makeJob({ id: 9, doneAt: 2_000, simulated: true }) }],
      since,
    );
    expect(spec).toMatchObject({ jobId: 9, key: 'verdict:9' });
    expect(spec!.body).toContain('(97% confidence)');
    expect(spec!.body).toContain('Simulated result from the Sandbox');
  });

  it('sums up a large batch in one notification', () => {
    const changes = Array.from({ length: MAX_VERDICT_NOTIFICATIONS + 2 }, (_, i) => ({
      type: 'upsert' as const,
      job: makeJob({ id: i + 1, doneAt: 2_000 }),
    }));
    const specs = verdictNotifications(changes, since);
    expect(specs).toHaveLength(1);
    expect(specs[0]).toMatchObject({ title: '5 files look fake or suspect', jobId: null });
  });

  it('ignores removals', () => {
    expect(verdictNotifications([{ type: 'removed', id: 3 }], since)).toEqual([]);
  });
});

describe('Notifier', () => {
  const clock = { now: () => 1_000, setTimeout: () => ({ dispose: () => undefined }) };
  let engine: FakeEngine;
  let shown: NotificationSpec[];
  let enabled: boolean;

  beforeEach(() => {
    engine = new FakeEngine();
    shown = [];
    enabled = true;
  });

  function start() {
    return new Notifier({ api: engine, enabled: () => enabled, show: (s) => shown.push(s), clock });
  }

  it('announces a verdict once even when the row is sent again', () => {
    start();
    const job = makeJob({ id: 4, doneAt: 2_000 });
    engine.emitJobs([{ type: 'upsert', job }]);
    engine.emitJobs([{ type: 'upsert', job }]);
    expect(shown.map((s) => s.key)).toEqual(['verdict:4']);
  });

  it('announces the queue blocked, not again while it stays blocked, and again after it cleared', () => {
    const notifier = start();
    notifier.seed(makeStatus());
    const blocked = makeStatus({ blocks: [block('quota-query', 'AA001')] });
    engine.emitStatus(blocked);
    engine.emitStatus(blocked);
    engine.emitStatus(makeStatus());
    engine.emitStatus(blocked);
    expect(shown.map((s) => s.key)).toEqual(['block:quota-query:AA001', 'block:quota-query:AA001']);
  });

  it('stays silent when the setting is off, and does not replay later', () => {
    start();
    enabled = false;
    engine.emitStatus(makeStatus({ folders: [unavailable] }));
    engine.emitJobs([{ type: 'upsert', job: makeJob({ id: 5, doneAt: 2_000 }) }]);
    enabled = true;
    engine.emitStatus(makeStatus({ folders: [unavailable] }));
    expect(shown).toEqual([]);
  });

  it('stops listening when disposed', () => {
    const notifier = start();
    notifier.dispose();
    expect(engine.listenerCount()).toBe(0);
  });
});

describe('createNativeNotifier', () => {
  beforeEach(() => resetFakeElectron());

  it('shows a native notification whose click reaches the app', () => {
    const clicked: NotificationSpec[] = [];
    const show = createNativeNotifier({ iconPath: '/icon.png', onClick: (s) => clicked.push(s) });
    const spec = { key: 'verdict:1', title: 'Likely fake: a.jpg', body: 'b', jobId: 1 };
    show(spec);
    const [notification] = FakeNotification.instances;
    expect(notification!.shown).toBe(true);
    expect(notification!.options).toMatchObject({
      title: 'Likely fake: a.jpg',
      body: 'b',
      icon: '/icon.png',
    });
    notification!.click();
    expect(clicked).toEqual([spec]);
  });

  it('does nothing where notifications are not supported', () => {
    FakeNotification.supported = false;
    createNativeNotifier({ iconPath: null, onClick: () => undefined })({
      key: 'k',
      title: 't',
      body: 'b',
      jobId: null,
    });
    expect(FakeNotification.instances).toEqual([]);
  });
});
