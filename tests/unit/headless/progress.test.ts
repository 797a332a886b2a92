import { describe, expect, it } from 'vitest';
import {
  ProgressReporter,
  fit,
  formatBytes,
  formatSeconds,
  gaveUpText,
  jobEventText,
  progressLine,
  verdictText,
  type ProgressSnapshot,
} from '../../../src/main/headless/progress';
import { emptyCounts, type Block, type JobState, type Verdict } from '../../../src/shared/domain';
import { job } from './job-fixture';

const snapshot = (
  counts: Partial<Record<JobState, number>>,
  extra: Partial<ProgressSnapshot> = {},
): ProgressSnapshot => ({
  counts: { ...emptyCounts(), ...counts },
  uploads: { inFlight: 0, bytesPerSecond: 0 },
  blocks: [],
  paused: false,
  ...extra,
});

const block: Block = {
  kind: 'auth',
  code: 'IAM001',
  message: 'The client secret was refused.',
  action: 'Run authenta-watch login.',
  since: 0,
  retryAt: null,
};

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1.0 kB'],
    [1_500_000, '1.5 MB'],
    [250_000_000, '250 MB'],
    [3_200_000_000_000, '3.2 TB'],
  ])('%d -> %s', (n, text) => expect(formatBytes(n)).toBe(text));
});

describe('verdictText', () => {
  it.each<[Verdict, string]>([
    [{ label: 'fake', confidence: 0.974 }, 'fake, 97% confidence'],
    [{ label: 'authentic', confidence: 0.02 }, 'authentic, 2% confidence'],
    [{ label: 'fake', faces: 3, deepFakes: 2 }, 'fake (2 of 3 faces fake)'],
    [{ label: 'authentic', faces: 1, deepFakes: 0 }, 'authentic (0 of 1 face fake)'],
    [
      { label: 'inconclusive', faces: 0, deepFakes: 0, reason: 'no face found' },
      'inconclusive: no face found',
    ],
  ])('%j', (v, text) => expect(verdictText(v)).toBe(text));
});

describe('fit', () => {
  it.each([
    ['short', 10, 'short'],
    ['exactly10!', 10, 'exactly10!'],
    ['much too long', 8, 'much to…'],
    ['ünïcödé✓✓', 5, 'ünïc…'],
    ['x', 0, ''],
  ])('%s in %d', (text, width, out) => expect(fit(text, width)).toBe(out));
});

describe('progressLine', () => {
  it.each<[ProgressSnapshot, string]>([
    [snapshot({}), '0/0 checked'],
    [
      snapshot({ done: 3, skipped: 1, failed: 1, queued: 5 }),
      '5/10 checked · 5 queued · 1 failed · 1 skipped',
    ],
    [
      snapshot(
        { uploading: 2, creating: 1, processing: 4 },
        { uploads: { inFlight: 2, bytesPerSecond: 2_100_000 } },
      ),
      '0/7 checked · 3 uploading 2.1 MB/s · 4 processing',
    ],
    [snapshot({ waiting: 2 }, { paused: true }), '0/2 checked · 2 settling · paused'],
    [
      snapshot({ blocked: 4 }, { blocks: [block] }),
      '0/4 checked · 4 blocked · blocked: The client secret was refused.',
    ],
  ])('%#', (s, text) => expect(progressLine(s, 200)).toBe(text));

  it('fits the terminal', () => {
    expect([...progressLine(snapshot({ done: 1, queued: 2, failed: 3, skipped: 4 }), 20)]).toHaveLength(20);
  });
});

describe('jobEventText', () => {
  it.each<[Parameters<typeof job>[0], string | null]>([
    [{ state: 'queued' }, null],
    [{ state: 'uploading' }, null],
    [{ state: 'processing' }, null],
    [
      { state: 'done', verdict: { label: 'fake', confidence: 0.9 } },
      'done     /in/clip.mp4  fake, 90% confidence',
    ],
    [
      { state: 'done', verdict: { label: 'authentic' }, simulated: true },
      'done     /in/clip.mp4  authentic [simulated]',
    ],
    [{ state: 'failed', errorCode: 'E42', errorMessage: 'Broken.' }, 'failed   /in/clip.mp4  E42: Broken.'],
    [{ state: 'skipped', duplicateOf: 7 }, 'skipped  /in/clip.mp4  same content as job #7'],
    [
      { state: 'skipped', errorMessage: 'Not a photo or video.' },
      'skipped  /in/clip.mp4  Not a photo or video.',
    ],
    [{ state: 'blocked', errorMessage: 'Out of credits.' }, 'blocked  /in/clip.mp4  Out of credits.'],
  ])('%j', (over, text) => expect(jobEventText(job(over))).toBe(text));
});

describe('ProgressReporter', () => {
  const sink = (isTTY: boolean) => {
    const writes: string[] = [];
    return { writes, out: { isTTY, columns: 60, write: (s: string) => writes.push(s) } };
  };

  it('writes plain lines without control characters when not on a terminal', () => {
    const { writes, out } = sink(false);
    const r = new ProgressReporter(out, () => 0);
    r.status(snapshot({ queued: 1 }));
    r.job(job({ state: 'uploading' }));
    r.job(job({ state: 'done', verdict: { label: 'authentic' } }));
    r.block(block);
    r.status(snapshot({ done: 1 }));
    r.finish();
    expect(writes.join('')).toBe(
      'done     /in/clip.mp4  authentic\n' +
        'blocked: The client secret was refused. (IAM001). Run authenta-watch login.\n' +
        '1/1 checked\n',
    );
    expect(writes.join('')).not.toContain('\x1b');
    expect(writes.join('')).not.toContain('\r');
  });

  it('redraws one line in place on a terminal, printing events above it', () => {
    const { writes, out } = sink(true);
    let t = 0;
    const r = new ProgressReporter(out, () => t, 100);
    r.status(snapshot({ queued: 2 }));
    t = 50;
    r.status(snapshot({ queued: 1, uploading: 1 })); // too soon: not drawn
    t = 200;
    r.job(job({ state: 'done', verdict: { label: 'fake' } }));
    r.finish();
    expect(writes).toEqual([
      '\r\x1b[2K0/2 checked · 2 queued',
      '\r\x1b[2Kdone     /in/clip.mp4  fake\n',
      '\r\x1b[2K0/2 checked · 1 uploading · 1 queued',
      '\r\x1b[2K',
      '0/2 checked · 1 uploading · 1 queued\n',
    ]);
  });

  it('shows control characters in a file name or a server message escaped, so no name can forge a line', () => {
    const forged = '/in/x\r\x1b[2Kdone     /in/evil.mp4  authentic\x1b]0;t\x07\x9b2K\u202e.mp4';
    const failing = job({
      state: 'failed',
      path: forged,
      errorCode: 'E1',
      errorMessage: 'bad\nline\x1b[31m',
    });
    for (const tty of [false, true]) {
      const { writes, out } = sink(tty);
      const r = new ProgressReporter(out, () => 0);
      r.status(snapshot({ failed: 1 }, { blocks: [{ ...block, message: 'refused\r\x1b[2Kdone' }] }));
      r.job(failing);
      r.note(`note about ${forged}`);
      r.finish();
      const text = writes.join('').replaceAll('\r\x1b[2K', '');
      // Only the reporter's own line ends and redraws remain: no raw escape, CR, BEL, C1 or bidi control.
      // eslint-disable-next-line no-control-regex
      expect(text).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
      expect(text).toContain('failed   /in/x\\r\\x1b[2Kdone');
      // A terminal line is cut to its width; elsewhere the whole name and message show.
      if (!tty) expect(text).toContain('\\u202e.mp4  E1: bad\\nline\\x1b[31m');
      expect(text.split('\n').filter((l) => l.startsWith('done'))).toEqual([]);
    }
  });
});

describe('gaveUpText: what a --once run that gave up waiting prints', () => {
  it.each<[number, string]>([
    [3, '3 s'],
    [119, '119 s'],
    [1800, '30 min'],
    [5400, '1 h 30 min'],
    [7200, '2 h'],
  ])('%d seconds read as %s', (seconds, text) => {
    expect(formatSeconds(seconds)).toBe(text);
  });

  it('names the wait, the block and every pending file with what it waits for', () => {
    const offline: Block = {
      kind: 'offline',
      code: 'NETWORK',
      message: 'Could not reach Authenta.',
      action: 'Check the connection.',
      since: 0,
      retryAt: 10,
    };
    const lines = gaveUpText(
      1800,
      [
        job({ path: '/in/a.jpg', state: 'queued', errorMessage: 'Could not reach Authenta' }),
        job({ path: '/in/b.mp4', state: 'processing' }),
        job({ path: '/in/c.mp4', state: 'uploading' }),
      ],
      [offline],
    );
    expect(lines[0]).toBe(
      'Gave up waiting after 30 min (--timeout): 3 files still pending; they resume on the next run, nothing is sent twice.',
    );
    expect(lines.slice(1)).toEqual([
      '  why: Could not reach Authenta. (NETWORK). Check the connection.',
      '  pending  /in/a.jpg  not sent yet: Could not reach Authenta',
      '  pending  /in/b.mp4  sent, waiting for its verdict',
      '  pending  /in/c.mp4  upload not finished',
    ]);
  });
});
