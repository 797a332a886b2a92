/**
 * Files in watched folders and dropped files reach the right end: a verdict from their markers,
 * a duplicate linked to the first copy without a second record, or a skip that says why. Runs
 * once per API generation: the folder's models are spelled for the profile's API (AC-1 is task 1
 * of the Jobs API), and audio and PDF files are checked only where the API has a task for them.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeGif, makeJpeg, makeMp4, makePng, truncated } from '../../helpers/media-fixtures';
import { apiDialect, GENERATIONS, startHarness, type Harness } from '../../helpers/engine-harness';
import type { MediaKind } from '../../../src/shared/domain';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const marker = (m: string) => `AUTHENTA-SIM:${m}`;

/** A valid PCM WAV file (RIFF/WAVE) with `text` in a LIST chunk before the samples. */
function makeWav(text: string): Buffer {
  const fmt = Buffer.alloc(16);
  fmt.writeUInt16LE(1, 0); // PCM
  fmt.writeUInt16LE(1, 2); // mono
  fmt.writeUInt32LE(8_000, 4);
  fmt.writeUInt32LE(16_000, 8);
  fmt.writeUInt16LE(2, 12);
  fmt.writeUInt16LE(16, 14);
  const chunk = (id: string, body: Buffer) => {
    const head = Buffer.alloc(8);
    head.write(id, 0, 'latin1');
    head.writeUInt32LE(body.length, 4);
    return Buffer.concat([head, body, body.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
  };
  const body = Buffer.concat([
    Buffer.from('WAVE', 'latin1'),
    chunk('fmt ', fmt),
    chunk('LIST', Buffer.from(`INFOICMT${text}`, 'latin1')),
    chunk('data', Buffer.alloc(1_600)),
  ]);
  const head = Buffer.alloc(8);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body]);
}

/** A minimal PDF with `text` in a comment. */
function makePdf(text: string): Buffer {
  return Buffer.from(
    `%PDF-1.4\n% ${text}\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`,
    'latin1',
  );
}

describe.each(GENERATIONS)('$label', ({ generation }) => {
  const api = apiDialect(generation);

  describe('files reach a verdict', () => {
    it('checks files already in the folder at start-up and new ones, with the verdict their bytes ask for', async () => {
      h = await startHarness({ generation });
      await h.write('inbox/old-real.jpg', makeJpeg({ marker: marker('real') }));
      await h.write('inbox/sub/old-fake.png', makePng({ marker: marker('fake') }));
      await h.watch('inbox');
      await h.write('inbox/new-suspect.png', makePng({ marker: marker('suspect') }));
      await h.write('inbox/clip-noface.mp4', makeMp4({ marker: marker('noface') }));
      await h.write('inbox/clip-two-faces.mp4', makeMp4({ marker: marker('faces=2,fakes=1') }));

      const verdicts = Object.fromEntries(
        await Promise.all(
          ['old-real.jpg', 'old-fake.png', 'new-suspect.png', 'clip-noface.mp4', 'clip-two-faces.mp4'].map(
            async (n) => [n, await h.waitForJob(n)] as const,
          ),
        ),
      );
      expect(verdicts['old-real.jpg']).toMatchObject({
        state: 'done',
        verdict: { label: 'authentic' },
        model: api.model('AC-1'),
      });
      expect(verdicts['old-fake.png']).toMatchObject({ state: 'done', verdict: { label: 'fake' } });
      expect(verdicts['new-suspect.png']).toMatchObject({ state: 'done', verdict: { label: 'suspect' } });
      expect(verdicts['clip-noface.mp4']).toMatchObject({
        state: 'done',
        model: api.model('DF-1'),
        kind: 'video',
        verdict: { label: 'inconclusive', faces: 0 },
      });
      const two = verdicts['clip-two-faces.mp4']!;
      expect(two.verdict).toMatchObject({ label: 'fake', faces: 2, deepFakes: 1 });
      // The full record was fetched for the processed video: participants are there.
      expect(two.verdict?.participants).toHaveLength(2);
      for (const j of Object.values(verdicts)) {
        expect(j.remoteId).toMatch(api.remoteId);
        expect(j.sha256).toMatch(/^[0-9a-f]{64}$/);
        expect(j.doneAt).toBeGreaterThanOrEqual(j.createdAt);
      }
      // Exactly one record and one upload per file.
      expect(h.creates()).toBe(5);
      expect(Object.values(h.sim.counts().puts)).toEqual([1, 1, 1, 1, 1]);
    });

    it('sends a mislabelled file with its true type', async () => {
      h = await startHarness({ generation });
      await h.watch('inbox');
      await h.write('inbox/really-a-png.jpg', makePng({ marker: marker('fake') }));
      const job = await h.waitForJob('really-a-png.jpg');
      expect(job).toMatchObject({ state: 'done', contentType: 'image/png', verdict: { label: 'fake' } });
      // The simulator refuses a PUT whose Content-Type differs from the one the record was made for.
      expect(h.puts().map((r) => r.status)).toEqual([200]);
    });
  });

  describe('duplicates', () => {
    it('skips the same bytes under another name, linked to the first verdict, without a second record', async () => {
      h = await startHarness({ generation });
      await h.watch('inbox');
      const bytes = makePng({ marker: marker('fake') });
      await h.write('inbox/original.png', bytes);
      const first = await h.waitForJob('original.png');
      expect(first.state).toBe('done');
      const postsBefore = h.creates();

      await h.write('inbox/copy.png', bytes);
      await h.write('inbox/elsewhere/copy-2.png', bytes);
      for (const name of ['copy.png', 'copy-2.png']) {
        const dup = await h.waitForJob(name);
        expect(dup).toMatchObject({
          state: 'skipped',
          duplicateOf: first.id,
          verdict: first.verdict,
          errorCode: 'DUPLICATE',
          remoteId: null,
        });
        const details = await h.engine.getJob(dup.id);
        expect(details.hint).toMatch(new RegExp(`#${first.id}`));
      }
      expect(h.creates()).toBe(postsBefore);
    });

    it('lets copies that arrive together share one check', async () => {
      h = await startHarness({ generation });
      await h.watch('inbox');
      const bytes = makeJpeg({ marker: marker('real') });
      await Promise.all(['a.jpg', 'b.jpg', 'c.jpg'].map((n) => h.write(`inbox/${n}`, bytes)));
      const jobs = await Promise.all(['a.jpg', 'b.jpg', 'c.jpg'].map((n) => h.waitForJob(n)));
      expect(jobs.filter((j) => j.state === 'done')).toHaveLength(1);
      const done = jobs.find((j) => j.state === 'done')!;
      for (const j of jobs.filter((x) => x !== done)) {
        expect(j).toMatchObject({ state: 'skipped', duplicateOf: done.id, verdict: { label: 'authentic' } });
      }
      expect(h.creates()).toBe(1);
    });

    it('checks the same bytes again when the folder says so, or when the user retries the duplicate', async () => {
      h = await startHarness({ generation });
      const folder = await h.watch('inbox');
      const bytes = makePng({ marker: marker('real') });
      await h.write('inbox/one.png', bytes);
      await h.waitForJob('one.png', ['done']);
      await h.write('inbox/two.png', bytes);
      const dup = await h.waitForJob('two.png', ['skipped']);
      await h.engine.retryJob(dup.id);
      await h.waitForJob((j) => j.id === dup.id && j.state === 'done', ['done']);
      expect(h.creates()).toBe(2);

      await h.engine.updateFolder(folder.id, { forceRecheck: true });
      await h.write('inbox/three.png', bytes);
      await h.waitForJob('three.png', ['done']);
      expect(h.creates()).toBe(3);
    });
  });

  describe('files that cannot be checked', () => {
    it('ends each with a skip and a message saying what to do, before any call', async () => {
      h = await startHarness({ generation });
      await h.settings.save({
        ...(await h.settings.load()),
        preferences: { ...(await h.settings.load()).preferences, maxFileSizeBytes: 4096 },
      });
      await h.restart();
      await h.watch('inbox');
      await h.watch('stills', { videos: false });
      const png = makePng({ marker: marker('real') });
      await h.write('inbox/animation.gif', makeGif());
      await h.write('inbox/empty.png', Buffer.alloc(0));
      await h.write('inbox/cut.png', truncated(png, -20));
      await h.write('inbox/huge.png', makePng({ padding: 10_000 }));
      await h.write('inbox/notes.txt', Buffer.from('hello, not media'));
      await h.write('stills/clip.mp4', makeMp4({ marker: marker('real') }));

      const expected: Record<string, string> = {
        'animation.gif': 'UNSUPPORTED_TYPE',
        'empty.png': 'EMPTY_FILE',
        'cut.png': 'TRUNCATED',
        'huge.png': 'TOO_LARGE',
        'notes.txt': 'UNSUPPORTED_TYPE',
        'clip.mp4': 'KIND_DISABLED',
      };
      for (const [name, code] of Object.entries(expected)) {
        const job = await h.waitForJob(name);
        expect(job, name).toMatchObject({ state: 'skipped', errorCode: code });
        expect(job.errorMessage, name).toContain(name);
        const details = await h.engine.getJob(job.id);
        expect(details.hint, name).toBeTruthy();
      }
      expect(h.sim.requests).toHaveLength(0);
    });

    it(`audio and PDF files: ${api.kinds.includes('audio') ? 'checked with the task types for them' : 'refused before any call (this API has no model for them)'}`, async () => {
      h = await startHarness({ generation });
      await h.watch('inbox');
      await h.watch('no-audio', { audio: false });
      await h.write('inbox/voice.wav', makeWav(marker('fake')));
      await h.write('inbox/contract.pdf', makePdf(marker('real')));
      await h.write('no-audio/voice-2.wav', makeWav(`${marker('real')} second`));
      const expected: [string, MediaKind, string, string][] = [
        ['voice.wav', 'audio', '2', 'fake'],
        ['contract.pdf', 'document', '6', 'authentic'],
      ];
      for (const [name, kind, model, label] of expected) {
        const job = await h.waitForJob(name);
        if (api.kinds.includes(kind)) {
          expect(job, name).toMatchObject({ state: 'done', kind, model, verdict: { label } });
        } else {
          expect(job, name).toMatchObject({ state: 'skipped', errorCode: 'UNSUPPORTED_TYPE' });
          expect(job.errorMessage, name).toMatch(/JPEG, PNG or MP4/);
        }
      }
      // A folder set to skip audio skips it, before any call, under every API.
      const skipped = await h.waitForJob('voice-2.wav');
      expect(skipped.state).toBe('skipped');
      expect(skipped.errorCode).toBe(api.kinds.includes('audio') ? 'KIND_DISABLED' : 'UNSUPPORTED_TYPE');
      expect(h.creates()).toBe(api.kinds.includes('audio') ? 2 : 0);
    });

    it('fails a file Authenta could not process, with its reason', async () => {
      h = await startHarness({ generation });
      await h.watch('inbox');
      await h.write('inbox/broken.png', makePng({ marker: marker('fail') }));
      const job = await h.waitForJob('broken.png');
      expect(job).toMatchObject({ state: 'failed', errorCode: 'REMOTE_FAILED' });
      expect(job.errorMessage).toMatch(/could not be analysed/);
    });
  });

  describe('dropped files', () => {
    it('accepts files and folders, says why others were refused, and checks them', async () => {
      h = await startHarness({ generation });
      const a = await h.write('drop/a.png', makePng({ marker: marker('fake') }));
      await h.write('drop/folder/b.jpg', makeJpeg({ marker: marker('real') }));
      const result = await h.engine.addPaths([a, h.path('drop/folder'), h.path('drop/missing.png')]);
      expect(result.accepted).toBe(2);
      expect(result.rejected).toEqual([
        { path: h.path('drop/missing.png'), reason: expect.stringMatching(/moved or deleted/) },
      ]);
      expect(await h.waitForJob('a.png')).toMatchObject({
        state: 'done',
        folderId: null,
        verdict: { label: 'fake' },
      });
      expect(await h.waitForJob('b.jpg')).toMatchObject({ state: 'done', verdict: { label: 'authentic' } });
    });
  });

  describe('after the verdict', () => {
    it('writes a sidecar beside the file, or moves it into a folder named after the verdict', async () => {
      h = await startHarness({ generation });
      await h.watch('side', { after: 'sidecar' });
      await h.watch('sort', { after: 'move' });
      await h.write('side/a.png', makePng({ marker: marker('fake') }));
      await h.write('sort/b.png', makePng({ marker: marker('real') }));
      await h.waitForJob('a.png', ['done']);
      await h.waitFor(async () => (await readdir(h.path('side'))).includes('a.png.authenta.json'), {
        message: 'the sidecar',
      });
      const sidecar = JSON.parse(await readFile(h.path('side/a.png.authenta.json'), 'utf8')) as {
        verdict: { label: string };
      };
      expect(sidecar.verdict.label).toBe('fake');

      const moved = await h.waitForJob(
        (j) => j.name === 'b.png' && j.path === join(h.path('sort'), '_authentic', 'b.png'),
        ['done'],
      );
      expect(moved.verdict?.label).toBe('authentic');
      expect(await readdir(h.path('sort/_authentic'))).toEqual(['b.png']);
      // Neither the sidecar nor the moved file is taken for a new file.
      await writeFile(h.path('sort/c.png'), makePng({ marker: marker('fake'), padding: 7 }));
      await h.waitForJob('c.png', ['done']);
      expect((await h.jobs()).map((j) => j.name).sort()).toEqual(['a.png', 'b.png', 'c.png']);
    });
  });
});
