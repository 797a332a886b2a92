/**
 * Triage for a verification desk (issue 12): a review per file stored in the ledger and sent to
 * every UI, filters and sorts by review, verdict and confidence, counts per verdict in the status,
 * the review in reports; and the host commands the engine answers itself (no file picker, no PDF,
 * no media base outside a host).
 */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { makeMp4, makePng, simMarker } from '../../helpers/media-fixtures';
import { startHarness, type Harness } from '../../helpers/engine-harness';
import type { EngineStatus, Job, JobChange } from '../../../src/shared/domain';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

let n = 0;
const png = (outcome: 'fake' | 'real' | 'suspect') => makePng({ marker: simMarker(outcome), padding: ++n });

async function judgedThree(): Promise<{ fake: Job; real: Job; suspect: Job }> {
  await h.watch('inbox');
  await h.write('inbox/fake.png', png('fake'));
  await h.write('inbox/real.png', png('real'));
  await h.write('inbox/suspect.png', png('suspect'));
  return {
    fake: await h.waitForJob('fake.png', ['done']),
    real: await h.waitForJob('real.png', ['done']),
    suspect: await h.waitForJob('suspect.png', ['done']),
  };
}

describe('reviews', () => {
  it('setReview stores status, note and time, reaches every UI and survives a restart', async () => {
    h = await startHarness();
    const { fake } = await judgedThree();
    expect(fake.review).toEqual({ status: 'new', note: null, at: null });
    const changes: JobChange[] = [];
    const off = h.engine.onJobsChanged((c) => changes.push(...c));
    const before = h.clock.now();
    const updated = await h.engine.setReview(fake.id, { status: 'escalated', note: '  Ask the agency  ' });
    expect(updated.review).toMatchObject({ status: 'escalated', note: 'Ask the agency' });
    expect(updated.review.at).toBeGreaterThanOrEqual(before);
    await h.waitFor(
      () =>
        changes.find(
          (c) => c.type === 'upsert' && c.job.id === fake.id && c.job.review.status === 'escalated',
        ),
      { message: 'the review in jobsChanged' },
    );
    off();
    // A review changes nothing else about the job.
    expect((await h.engine.getJob(fake.id)).job).toMatchObject({ state: 'done', verdict: fake.verdict });

    await h.engine.setReview(fake.id, { status: 'cleared' });
    expect((await h.engine.getJob(fake.id)).job.review).toMatchObject({ status: 'cleared', note: null });
    await h.restart();
    expect((await h.engine.getJob(fake.id)).job.review.status).toBe('cleared');
  });

  it('refuses a note over 2,000 characters, an unknown status and an unknown job, changing nothing', async () => {
    h = await startHarness();
    const { real } = await judgedThree();
    await expect(
      h.engine.setReview(real.id, { status: 'cleared', note: 'x'.repeat(2_001) }),
    ).rejects.toThrow();
    await expect(h.engine.setReview(real.id, { status: 'done' as never })).rejects.toThrow();
    await expect(h.engine.setReview(9_999, { status: 'cleared' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect((await h.engine.getJob(real.id)).job.review.status).toBe('new');
    const long = 'y'.repeat(2_000);
    expect((await h.engine.setReview(real.id, { status: 'cleared', note: long })).review.note).toBe(long);
  });

  it('filters by review, sorts by verdict and confidence, and exports the review', async () => {
    h = await startHarness();
    const { fake, real, suspect } = await judgedThree();
    await h.engine.setReview(suspect.id, { status: 'escalated', note: 'second look' });
    const ids = async (q: Parameters<typeof h.engine.listJobs>[0]) =>
      (await h.engine.listJobs(q)).jobs.map((j) => j.id);
    expect(await ids({ reviews: ['escalated'] })).toEqual([suspect.id]);
    expect(await ids({ reviews: ['new'], sort: 'name', order: 'asc' })).toEqual([fake.id, real.id]);
    expect(await ids({ sort: 'verdict', order: 'desc' })).toEqual([fake.id, suspect.id, real.id]);
    const byConfidence = (await h.engine.listJobs({ sort: 'confidence', order: 'desc' })).jobs;
    const confidences = byConfidence.map((j) => j.verdict?.confidence ?? -1);
    expect(confidences).toEqual([...confidences].sort((a, b) => b - a));

    const csv = await h.engine.exportReport({ reviews: ['escalated'] }, 'csv');
    const [header, row] = csv.trim().split('\r\n');
    expect(header).toContain('review,reviewNote,reviewedAt');
    expect(row).toContain('suspect.png');
    expect(row).toContain('escalated,second look,');
    const json = JSON.parse(await h.engine.exportReport({}, 'json')) as { jobs: Record<string, unknown>[] };
    expect(json.jobs.map((j) => j.review).sort()).toEqual(['escalated', 'new', 'new']);
  });
});

describe('verdict counts in the status', () => {
  it('counts jobs per verdict and keeps the count current through status events', async () => {
    h = await startHarness();
    const statuses: EngineStatus[] = [];
    h.engine.onStatus((s) => statuses.push(s));
    expect((await h.engine.getStatus()).verdicts).toEqual({
      authentic: 0,
      suspect: 0,
      fake: 0,
      inconclusive: 0,
    });
    await judgedThree();
    expect((await h.engine.getStatus()).verdicts).toEqual({
      authentic: 1,
      suspect: 1,
      fake: 1,
      inconclusive: 0,
    });
    await h.waitFor(() => statuses.at(-1)?.verdicts.fake === 1 && statuses.at(-1)?.verdicts.authentic === 1, {
      message: 'a status event with the counts',
    });
  });
});

describe('host commands outside a host', () => {
  it('has no file picker, no PDF and no media base of its own; caps say so', async () => {
    h = await startHarness();
    expect(await h.engine.getCapabilities()).toMatchObject({ nativeFilePicker: false, pdf: false });
    await expect(h.engine.pickFiles()).resolves.toEqual([]);
    await expect(h.engine.savePdf('Case')).rejects.toMatchObject({ code: 'NOT_AVAILABLE' });
    await expect(h.engine.getMediaBase()).rejects.toMatchObject({ code: 'NOT_AVAILABLE' });
  });
});

describe('video poster frames', () => {
  it('re-encodes a JPEG drawn by the UI as the video’s thumbnail and refuses anything else', async () => {
    h = await startHarness();
    await h.watch('inbox');
    await h.write('inbox/clip.mp4', makeMp4({ marker: simMarker('real') }));
    await h.write('inbox/photo.png', png('real'));
    const clip = await h.waitForJob('clip.mp4', ['done']);
    const photo = await h.waitForJob('photo.png', ['done']);
    const jpeg = await sharp({ create: { width: 640, height: 360, channels: 3, background: '#c33' } })
      .jpeg()
      .toBuffer();
    const dataUrl = `data:image/jpeg;base64,${jpeg.toString('base64')}`;
    await h.engine.saveVideoPoster(clip.id, dataUrl);
    const thumb = await h.engine.thumbs.cached(clip.sha256!);
    expect(thumb).not.toBeNull();
    const meta = await sharp(await readFile(thumb!.file)).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 256, height: 144 });

    // A PNG dressed up as a JPEG data URL, and bytes that are no image at all.
    const png256 = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    await expect(
      h.engine.saveVideoPoster(clip.id, `data:image/jpeg;base64,${png256.toString('base64')}`),
    ).rejects.toMatchObject({ code: 'INVALID_POSTER' });
    await expect(
      h.engine.saveVideoPoster(
        clip.id,
        `data:image/jpeg;base64,${Buffer.from('not an image').toString('base64')}`,
      ),
    ).rejects.toMatchObject({ code: 'INVALID_POSTER' });
    // An image's thumbnail comes from the file itself.
    await expect(h.engine.saveVideoPoster(photo.id, dataUrl)).rejects.toThrow(/not a video/);
  });
});
