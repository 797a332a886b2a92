/**
 * When to ask Authenta about records still being processed, and how (DESIGN.md, "Spending the
 * quota well"). Pure: the poller feeds it the pending records and the time, and does what it says.
 *
 * - A record is first checked after the time such files usually take (learned per model and size
 *   bucket from finished jobs), then with backoff (x1.5) up to a cap.
 * - Each check may be a little late (a share of the wait), so records due close together are
 *   answered by one call.
 * - When a call answers for several records, it is one `GET /media` list page; a lone record
 *   (or a lone video, whose list entry lacks participants) is one `GET /media/{mid}`.
 * - Records unfinished past the deadline are given up on.
 */
import type { MediaKind } from '../../../shared/domain';
import type { ProcessingSample } from '../ledger/ledger';

/** Knobs of the schedule; DEFAULT_POLL_TUNING holds sensible values. */
export interface PollTuning {
  /** Expected processing time of an image when nothing has been learned yet. */
  defaultImageMs: number;
  /** Expected processing time of a video when nothing has been learned yet. */
  defaultVideoMs: number;
  /** Growth of the wait after each check that found the record unfinished. */
  backoff: number;
  /** Share of the expected time waited after the first unfinished check. */
  firstRetryShare: number;
  /** Waits between two checks of one record stay within these bounds. */
  minIntervalMs: number;
  maxIntervalMs: number;
  /** A check may be this share of its wait late, so that neighbours share one call... */
  lateShare: number;
  /** ...and at least this many ms late. */
  minLateMs: number;
  /** Records per list page (the API allows up to 100). */
  listLimit: number;
  /** Pages read at most to find the records of one call; the rest are fetched one by one. */
  maxListPages: number;
  /** The newest this many finished jobs per model and size bucket decide its expected time (x4 per model). */
  samplesPerKey: number;
}

/** First look after 4 s (image) or 20 s (video) until learned; x1.5 backoff between 0.5 and 60 s; 100 records a page. */
export const DEFAULT_POLL_TUNING: Readonly<PollTuning> = {
  defaultImageMs: 4_000,
  defaultVideoMs: 20_000,
  backoff: 1.5,
  firstRetryShare: 0.5,
  minIntervalMs: 500,
  maxIntervalMs: 60_000,
  lateShare: 0.25,
  minLateMs: 250,
  listLimit: 100,
  maxListPages: 5,
  samplesPerKey: 5,
};

/** A record waiting for its verdict, as the schedule sees it. */
export interface PendingCheck {
  /** The job id. */
  id: number;
  kind: MediaKind;
  /** When the upload was accepted (processing started). */
  since: number;
  /** The deadline counts from here. */
  pollingSince: number;
  /** Expected processing time for this record. */
  expectedMs: number;
  /** Checks that found it unfinished. */
  checks: number;
  lastCheckAt: number | null;
}

/** What to do now. */
export type PollPlan =
  | { type: 'idle' }
  | { type: 'wait'; until: number }
  | { type: 'expire'; ids: number[] }
  | { type: 'get'; id: number }
  /** One list page (offset 0) answers for `ids`; every pending record found in it is answered too. */
  | { type: 'list'; ids: number[]; limit: number };

/** Size buckets: under 1 MiB, then x4 steps (1-4 MiB, 4-16 MiB, ...), at most 8. */
export function sizeBucket(size: number): number {
  const mib = 1024 * 1024;
  if (size < mib) return 0;
  return Math.min(8, 1 + Math.floor(Math.log(size / mib) / Math.log(4)));
}

/** What learning produced: expected ms per `model|bucket` and per model. */
export interface Expectations {
  byKey: ReadonlyMap<string, number>;
  byModel: ReadonlyMap<string, number>;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * One finished job's best guess of its processing time. Known only as an interval: seen
 * unfinished at `lowMs`, seen done at `highMs`. Never seen unfinished: the true time may be much
 * shorter, so guess half and the next file is checked sooner; when that look comes too early the
 * interval tightens again, and the schedule settles around the real time.
 */
export function sampleEstimate(s: Pick<ProcessingSample, 'lowMs' | 'highMs'>): number {
  if (s.lowMs > 0 && s.highMs >= s.lowMs) return (s.lowMs + s.highMs) / 2;
  return s.highMs / 2;
}

/** Learned processing times from finished jobs (newest first). */
export function learnExpectations(
  samples: readonly ProcessingSample[],
  tuning: Pick<PollTuning, 'samplesPerKey'> = DEFAULT_POLL_TUNING,
): Expectations {
  const perKey = new Map<string, number[]>();
  const perModel = new Map<string, number[]>();
  for (const s of samples) {
    const estimate = sampleEstimate(s);
    if (!Number.isFinite(estimate) || estimate < 0) continue;
    const key = `${s.model}|${sizeBucket(s.size)}`;
    const k = perKey.get(key) ?? [];
    if (k.length < tuning.samplesPerKey) k.push(estimate);
    perKey.set(key, k);
    const m = perModel.get(s.model) ?? [];
    if (m.length < tuning.samplesPerKey * 4) m.push(estimate);
    perModel.set(s.model, m);
  }
  return {
    byKey: new Map([...perKey].map(([k, v]) => [k, median(v)])),
    byModel: new Map([...perModel].map(([k, v]) => [k, median(v)])),
  };
}

/** The expected processing time of one record: its model and bucket, else its model, else the default. */
export function expectedProcessingMs(
  learned: Expectations,
  record: { model: string | null; kind: MediaKind; size: number },
  tuning: Pick<PollTuning, 'defaultImageMs' | 'defaultVideoMs' | 'minIntervalMs'> = DEFAULT_POLL_TUNING,
): number {
  const fallback = record.kind === 'video' ? tuning.defaultVideoMs : tuning.defaultImageMs;
  const model = record.model ?? '';
  const value =
    learned.byKey.get(`${model}|${sizeBucket(record.size)}`) ?? learned.byModel.get(model) ?? fallback;
  return Math.max(tuning.minIntervalMs, Math.round(value));
}

/** How long a record waits before its next check (from its upload, or from its last check). */
export function waitBeforeCheck(p: Pick<PendingCheck, 'checks' | 'expectedMs'>, tuning: PollTuning): number {
  if (p.checks === 0) return p.expectedMs;
  const grown = p.expectedMs * tuning.firstRetryShare * tuning.backoff ** (p.checks - 1);
  return Math.min(tuning.maxIntervalMs, Math.max(tuning.minIntervalMs, grown));
}

/** When a record is next due to be checked. */
export function dueAt(p: PendingCheck, tuning: PollTuning): number {
  const base = p.checks === 0 || p.lastCheckAt === null ? p.since : p.lastCheckAt;
  return base + waitBeforeCheck(p, tuning);
}

/** The latest a record's check may happen, so neighbours can share the call. */
export function latestAt(p: PendingCheck, tuning: PollTuning): number {
  const wait = waitBeforeCheck(p, tuning);
  return dueAt(p, tuning) + Math.max(tuning.minLateMs, wait * tuning.lateShare);
}

/** Decide the next step for these pending records at `now`. */
export function planPoll(
  pending: readonly PendingCheck[],
  now: number,
  deadlineMs: number,
  tuning: PollTuning = DEFAULT_POLL_TUNING,
): PollPlan {
  if (pending.length === 0) return { type: 'idle' };
  const expired = pending.filter((p) => now - p.pollingSince >= deadlineMs).map((p) => p.id);
  if (expired.length) return { type: 'expire', ids: expired };

  let callAt = Infinity;
  let lastDue = -Infinity;
  for (const p of pending) {
    callAt = Math.min(callAt, latestAt(p, tuning));
    lastDue = Math.max(lastDue, dueAt(p, tuning));
  }
  // No need to wait for lateness once every record is due.
  callAt = Math.min(callAt, lastDue);
  const nextDeadline = Math.min(...pending.map((p) => p.pollingSince + deadlineMs));
  if (now < callAt) return { type: 'wait', until: Math.min(callAt, nextDeadline) };

  const due = pending.filter((p) => dueAt(p, tuning) <= now);
  if (due.length === 1) {
    const only = due[0]!;
    // A lone record, or a video (its list entry lacks participants and resultURL): one GET.
    if (pending.length === 1 || only.kind === 'video') return { type: 'get', id: only.id };
  }
  return { type: 'list', ids: due.map((p) => p.id), limit: tuning.listLimit };
}

/** The record after a check that found it unfinished at `at`. */
export function afterUnfinishedCheck(p: PendingCheck, at: number): PendingCheck {
  return { ...p, checks: p.checks + 1, lastCheckAt: at };
}

/**
 * How many list pages one poll may read: enough to reach the oldest of `pendingCount` records
 * (they are among the newest of the account) and never fewer than the tuning's floor. A burst of
 * 1,000 uploads is then read from 11 pages instead of falling back to 1,000 GETs.
 */
export function listPageBudget(
  pendingCount: number,
  limit: number,
  tuning: PollTuning = DEFAULT_POLL_TUNING,
): number {
  return Math.max(tuning.maxListPages, Math.ceil(pendingCount / Math.max(1, limit)) + 1);
}

/**
 * How long a desk holds the records it polls (shared polling, issue 11): longer than its longest
 * wait between two checks of one record, late share included, so that while it keeps polling
 * them no other desk asks too; a desk that stops loses them after this. Pure.
 */
export function pollHoldMs(tuning: Pick<PollTuning, 'maxIntervalMs' | 'lateShare' | 'minLateMs'>): number {
  return Math.ceil(tuning.maxIntervalMs * (1 + tuning.lateShare) + tuning.minLateMs) + 10_000;
}
