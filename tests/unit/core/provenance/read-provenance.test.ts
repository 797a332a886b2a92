import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { readCameraMetadata, readCredentials } from '../../../../src/main/core/provenance/read-provenance';
import {
  exifJpeg,
  plainJpeg,
  signedJpeg,
  stripApp11,
  tamper,
  TEST_TRUST_ANCHOR,
} from '../../../helpers/provenance-samples';

describe('readCredentials (the CAI reader, c2pa-wasm, on real files)', { timeout: 30_000 }, () => {
  it('reads a signed JPEG: signer, generator, edit history; intact but not trusted without a trust list', async () => {
    const c = await readCredentials(await signedJpeg(), 'image/jpeg');
    expect(c.state).toBe('valid');
    expect(c.signedBy).toBe('Authenta Watch Test Signer (Test Newsroom Camera)');
    expect(c.madeWith).toBe('Authenta Watch tests 1.0');
    expect(c.title).toBe('signed.jpg');
    expect(c.actions.map((a) => a.label)).toEqual(['Created', 'Colour adjusted']);
    expect(c.actions[0]).toMatchObject({
      source: 'Digital capture (camera)',
      softwareAgent: 'TestCam firmware 2.0',
    });
    expect(c.problems).toEqual([]);
  });

  it('says trusted when the signer chains to a configured trust anchor', async () => {
    const c = await readCredentials(await signedJpeg(), 'image/jpeg', { trustAnchorsPem: TEST_TRUST_ANCHOR });
    expect(c.state).toBe('trusted');
  });

  it('says invalid, never valid, when the picture changed after signing', async () => {
    const tampered = tamper(await signedJpeg());
    // The copy is still a photo any viewer shows (as an edited photo is): only its hash fails.
    const { info } = await sharp(tampered, { failOn: 'error' }).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([64, 48]);
    const c = await readCredentials(tampered, 'image/jpeg');
    expect(c.state).toBe('invalid');
    expect(c.problems).toContain('The file’s bytes changed after it was signed.');
    // What the manifest claims is still shown, so the desk sees what was claimed and that it fails.
    expect(c.signedBy).toContain('Authenta Watch Test Signer');
  });

  it('says none for a stripped copy and for a plain photo', async () => {
    const stripped = stripApp11(await signedJpeg());
    expect((await readCredentials(stripped, 'image/jpeg')).state).toBe('none');
    expect((await readCredentials(await plainJpeg(), 'image/jpeg')).state).toBe('none');
  });

  it('says broken, not valid, when the manifest block itself is damaged', async () => {
    const signed = await signedJpeg();
    const at = signed.indexOf(Buffer.from('c2pa.signature'));
    expect(at).toBeGreaterThan(0);
    const damaged = Buffer.from(signed);
    damaged.fill(0x41, at - 200, at + 60); // overwrite box headers around the signature box
    const c = await readCredentials(damaged, 'image/jpeg');
    expect(['broken', 'invalid']).toContain(c.state);
    expect(c.problems.length).toBeGreaterThan(0);
  });

  it('says unchecked for a type the reader does not know', async () => {
    const c = await readCredentials(Buffer.from('hello'), 'text/plain');
    expect(c.state).toBe('unchecked');
    expect(c.problems[0]).toMatch(/text\/plain/);
  });
});

describe('readCameraMetadata (exifr)', { timeout: 30_000 }, () => {
  it('reads make, model, capture time and software, and whether GPS is there (not where)', async () => {
    const m = await readCameraMetadata(await exifJpeg({ gps: true }));
    expect(m).toEqual({
      make: 'TestCam',
      model: 'TC-100 Mark II',
      capturedAt: '2026-11-30T14:05:09',
      software: 'Photo Editor 5.1',
      gps: true,
    });
    expect(JSON.stringify(m)).not.toMatch(/48|51\.|2\.35/);
  });

  it('says no GPS when there is none, and nothing for a photo without metadata', async () => {
    expect((await readCameraMetadata(await exifJpeg()))?.gps).toBe(false);
    expect(await readCameraMetadata(await plainJpeg())).toBeNull();
  });
});
