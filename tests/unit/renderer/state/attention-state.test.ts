import { describe, expect, it } from 'vitest';
import type { Job, JobChange } from '../../../../src/shared/domain';
import {
  AttentionState,
  BASE_TITLE,
  alarmingVerdicts,
  attentionTitle,
  type AttentionHost,
} from '../../../../src/renderer/src/state/attention-state.svelte';
import { makeJob } from '../fake-api';

const START = 1_700_000_000_000;

interface FakeHost extends AttentionHost {
  title: string;
  isVisible: boolean;
  perm: NotificationPermission | 'unsupported';
  stored: boolean;
  notes: { title: string; body: string; click: () => void }[];
  visibleListener: (() => void) | null;
}

function fakeHost(visible = false): FakeHost {
  const host: FakeHost = {
    title: BASE_TITLE,
    isVisible: visible,
    perm: 'default' as NotificationPermission | 'unsupported',
    stored: false,
    notes: [] as { title: string; body: string; click: () => void }[],
    visibleListener: null as (() => void) | null,
    setTitle(t: string) {
      host.title = t;
    },
    visible: () => host.isVisible,
    onVisible(l: () => void) {
      host.visibleListener = l;
      return () => (host.visibleListener = null);
    },
    permission: () => host.perm,
    requestPermission: async () => (host.perm = 'granted'),
    notify(title: string, body: string, click: () => void) {
      host.notes.push({ title, body, click });
    },
    load: () => host.stored,
    save(on: boolean) {
      host.stored = on;
    },
  };
  return host;
}

const judged = (id: number, label: 'fake' | 'suspect' | 'authentic', doneAt = START + 1000): JobChange => ({
  type: 'upsert',
  job: makeJob({ id, name: `f${id}.jpg`, state: 'done', doneAt, verdict: { label, confidence: 0.9 } }) as Job,
});

describe('alarmingVerdicts', () => {
  it('keeps fake and suspect verdicts reached since the page opened', () => {
    const found = alarmingVerdicts(
      [judged(1, 'fake'), judged(2, 'authentic'), judged(3, 'suspect'), judged(4, 'fake', START - 1)],
      START,
    );
    expect(found.map((j) => j.id)).toEqual([1, 3]);
  });
});

describe('attentionTitle', () => {
  it.each([
    [0, 0, 'Authenta Watch'],
    [2, 0, '(2) 2 fake — Authenta Watch'],
    [2, 1, '(3) 2 fake · 1 suspect — Authenta Watch'],
  ])('%i fake, %i suspect -> %s', (fake, suspect, title) => {
    expect(attentionTitle(fake, suspect)).toBe(title);
  });
});

describe('AttentionState', () => {
  it('counts new verdicts in the title while the tab is out of sight, once each, and clears when looked at', () => {
    const host = fakeHost(false);
    const opened: number[] = [];
    const state = new AttentionState(host, START, (id) => opened.push(id));
    state.onJobsChanged([judged(1, 'fake'), judged(2, 'suspect'), judged(3, 'authentic')]);
    // The same job again (a review note, say) is not new.
    state.onJobsChanged([judged(1, 'fake')]);
    expect(host.title).toBe('(2) 1 fake · 1 suspect — Authenta Watch');
    expect(host.notes).toEqual([]);
    host.visibleListener?.();
    expect(host.title).toBe(BASE_TITLE);
  });

  it('does not count what the person sees arrive', () => {
    const host = fakeHost(true);
    const state = new AttentionState(host, START, () => {});
    state.onJobsChanged([judged(1, 'fake')]);
    expect(host.title).toBe(BASE_TITLE);
  });

  it('notifies only after opting in, and a click opens the job', async () => {
    const host = fakeHost(false);
    const opened: number[] = [];
    const state = new AttentionState(host, START, (id) => opened.push(id));
    await state.setNotifying(true);
    expect(host.stored).toBe(true);
    state.onJobsChanged([judged(7, 'fake')]);
    expect(host.notes.map((n) => n.title)).toEqual(['Fake: f7.jpg']);
    expect(host.notes[0]!.body).toMatch(/The model says this is fake/);
    host.notes[0]!.click();
    expect(opened).toEqual([7]);
  });

  it('stays off when the browser refuses', async () => {
    const host = fakeHost(false);
    host.requestPermission = async () => (host.perm = 'denied');
    const state = new AttentionState(host, START, () => {});
    await state.setNotifying(true);
    expect(state.notifying).toBe(false);
    state.onJobsChanged([judged(7, 'fake')]);
    expect(host.notes).toEqual([]);
  });
});
