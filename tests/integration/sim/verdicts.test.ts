/** Verdicts are deterministic functions of the uploaded bytes; markers choose them on purpose. */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../../src/main/sim';
import { decideOutcome, findMarker } from '../../../src/main/sim/verdict';
import { fileBytes, screen } from './helpers';

let sims: Simulator[] = [];
async function start(options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = await startSimulator({ processingMs: 10, ...options });
  sims.push(sim);
  return sim;
}
afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
});

const IMAGE = { contentType: 'image/jpeg', modelType: 'AC-1' };
const FORGERY = { contentType: 'image/png', modelType: 'FD-1' };
const VIDEO = { contentType: 'video/mp4', modelType: 'DF-1' };

/** Distinct unmarked files, the same on every run. */
const unmarked = (i: number): Buffer => createHash('sha512').update(`file-${i}`).digest();

describe('image verdicts (AC-1 on 0..100, FD-1 on 0..1)', () => {
  it.each([
    ['fake', true, 85, 99],
    ['real', false, 85, 99],
    ['suspect', true, 51, 60],
    ['noface', false, 85, 99],
    ['faces=2,fakes=1', true, 85, 99],
    ['faces=2,fakes=0', false, 85, 99],
  ])('marker %s gives fake=%s with confidence %d..%d', async (marker, fake, lo, hi) => {
    const sim = await start();
    const ac = await screen(sim, fileBytes(marker), IMAGE);
    expect(ac).toMatchObject({ status: 'PROCESSED', type: 'Image', fake, simulated: true });
    expect(ac.confidence).toBeGreaterThanOrEqual(lo);
    expect(ac.confidence).toBeLessThanOrEqual(hi);
    expect(ac).not.toHaveProperty('faces');
    const fd = await screen(sim, fileBytes(marker), FORGERY);
    expect(fd.fake).toBe(fake);
    expect(fd.confidence).toBeCloseTo((ac.confidence as number) / 100, 3);
  });

  it('marker fail ends FAILED with a reason and no verdict', async () => {
    const sim = await start();
    const v = await screen(sim, fileBytes('fail'), IMAGE);
    expect(v.status).toBe('FAILED');
    expect(v.failureReason).toMatch(/Simulated processing failure/);
    expect(v).not.toHaveProperty('fake');
  });
});

describe('video verdicts', () => {
  it.each([
    ['fake', 1, 1],
    ['real', 1, 0],
    ['suspect', 2, 1],
    ['noface', 0, 0],
    ['faces=3,fakes=1', 3, 1],
    ['faces=2,fakes=5', 2, 2],
  ])('marker %s gives %d faces, %d fake', async (marker, faces, deepFakes) => {
    const sim = await start();
    const v = await screen(sim, fileBytes(marker), VIDEO);
    expect(v).toMatchObject({ status: 'PROCESSED', type: 'Video', faces, deepFakes });
    const participants = v.participants as { id: number; fake: boolean; heatmap: string }[];
    expect(participants).toHaveLength(faces);
    expect(participants.filter((p) => p.fake)).toHaveLength(deepFakes);
    expect(participants.every((p) => p.heatmap.includes('X-Signature='))).toBe(true);
    expect(v.resultURL).toMatch(/X-Signature=/);
    expect(v).not.toHaveProperty('fake');
  });
});

describe('determinism', () => {
  it('the same bytes get the same verdict under any name and on any server', async () => {
    const a = await start();
    const b = await start();
    for (let i = 0; i < 6; i++) {
      const bytes = unmarked(i);
      const one = await screen(a, bytes, { ...IMAGE, name: `one-${i}.jpg` });
      const two = await screen(b, bytes, { ...IMAGE, name: `other-name-${i}.jpg` });
      expect([two.fake, two.confidence]).toEqual([one.fake, one.confidence]);
      const v1 = await screen(a, bytes, { ...VIDEO, name: 'x.mp4' });
      const v2 = await screen(b, bytes, { ...VIDEO, name: 'y.mp4' });
      expect([v2.faces, v2.deepFakes]).toEqual([v1.faces, v1.deepFakes]);
    }
  });

  it('different bytes give both verdicts across a batch of unmarked files', async () => {
    const sim = await start();
    const verdicts = new Set<unknown>();
    for (let i = 0; i < 24; i++) verdicts.add((await screen(sim, unmarked(i), IMAGE)).fake);
    expect(verdicts).toEqual(new Set([true, false]));
  });

  it('failShare fails a stable share of unmarked files, never marked ones', async () => {
    const all = await start({ failShare: 1 });
    expect((await screen(all, unmarked(1), IMAGE)).status).toBe('FAILED');
    expect((await screen(all, fileBytes('real'), IMAGE)).status).toBe('PROCESSED');

    const a = await start({ failShare: 0.5 });
    const b = await start({ failShare: 0.5 });
    const failedA: number[] = [];
    const failedB: number[] = [];
    for (let i = 0; i < 16; i++) {
      if ((await screen(a, unmarked(i), IMAGE)).status === 'FAILED') failedA.push(i);
      if ((await screen(b, unmarked(i), VIDEO)).status === 'FAILED') failedB.push(i);
    }
    expect(failedA).toEqual(failedB);
    expect(failedA.length).toBeGreaterThan(0);
    expect(failedA.length).toBeLessThan(16);
  });

  it('records lose the simulated label when asked', async () => {
    const sim = await start({ simulatedLabel: false });
    const v = await screen(sim, fileBytes('fake'), IMAGE);
    expect(v).not.toHaveProperty('simulated');
  });
});

describe('decideOutcome and findMarker (pure)', () => {
  const digest = createHash('sha256').update('x').digest();
  it.each([
    ['AUTHENTA-SIM:fake', { kind: 'fake' }],
    ['..AUTHENTA-SIM:noface..', { kind: 'noface' }],
    ['AUTHENTA-SIM:faces=3,fakes=1', { kind: 'faces', faces: 3, fakes: 1 }],
    ['AUTHENTA-SIM:faces=99,fakes=40', { kind: 'faces', faces: 20, fakes: 20 }],
    ['AUTHENTA-SIM:maybe', null],
    ['authenta-sim:fake', null],
  ])('finds %s as %j', (text, marker) => {
    expect(findMarker(Buffer.from(text, 'latin1'))).toEqual(marker);
  });

  it('decides the same outcome for the same digest', () => {
    expect(decideOutcome(digest, null, true, 0.2)).toEqual(
      decideOutcome(Buffer.from(digest), null, true, 0.2),
    );
  });
});
