import { describe, expect, it } from 'vitest';
import type { JobState } from '../../../../src/shared/domain';
import type { ChangeCause } from '../../../../src/main/core/ledger/job-store';
import type { JobRecord } from '../../../../src/main/core/ledger/ledger';
import { givesUploaderWork } from '../../../../src/main/core/pipeline/pipeline';

describe('which committed change wakes the uploader', () => {
  it.each<[ChangeCause, JobState, boolean]>([
    // The intake queued a checked file, a retry or a resume put a job back: the uploader looks.
    ['transition', 'queued', true],
    ['insert', 'queued', false],
    ['update', 'queued', false],
    ['note', 'queued', false],
    ['claim', 'creating', false],
    ['transition', 'waiting', false],
    ['transition', 'skipped', false],
    ['transition', 'processing', false],
    ['transition', 'done', false],
    // Another desk queued a file on the shared ledger: this desk may take it (claims are atomic).
    ['remote', 'queued', true],
    ['remote', 'creating', false],
    ['remote', 'done', false],
  ])('%s into %s: %s', (cause, state, wakes) => {
    expect(givesUploaderWork({ cause, row: { state } as JobRecord })).toBe(wakes);
  });
});
