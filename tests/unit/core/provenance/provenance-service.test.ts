import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../../../src/main/core/ledger/ledger';
import type { Logger } from '../../../../src/main/core/ports';
import { ProvenanceService } from '../../../../src/main/core/provenance/provenance-service';
import { exifJpeg, plainJpeg, signedJpeg, stripApp11, tamper } from '../../../helpers/provenance-samples';

let dir: string;
let jobs: Map<number, JobRecord>;
const logged: [string, unknown][] = [];
const logger: Logger = {
  debug: (m, f) => logged.push([m, f]),
  info: (m, f) => logged.push([m, f]),
  warn: (m, f) => logged.push([m, f]),
  error: (m, f) => logged.push([m, f]),
};

function addJob(id: number, name: string, bytes: Buffer, over: Partial<JobRecord> = {}): JobRecord {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  const st = statSync(path);
  const job = {
    id,
    path,
    name,
    size: st.size,
    mtimeMs: st.mtimeMs,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    contentType: 'image/jpeg',
    kind: 'image',
    ...over,
  } as JobRecord;
  jobs.set(id, job);
  return job;
}

function service(): ProvenanceService {
  return new ProvenanceService({
    job: (id) => Promise.resolve(jobs.get(id) ?? null),
    clock: { now: () => 1000 } as never,
    logger,
  });
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'aw-prov-'));
  jobs = new Map();
  logged.length = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('ProvenanceService', { timeout: 60_000 }, () => {
  it('reports each sample as a desk would read it: signed, stripped, tampered, EXIF, none', async () => {
    const signed = await signedJpeg();
    addJob(1, 'signed.jpg', signed);
    addJob(2, 'stripped.jpg', stripApp11(signed));
    addJob(3, 'tampered.jpg', tamper(signed));
    addJob(4, 'camera.jpg', await exifJpeg({ gps: true }));
    addJob(5, 'plain.jpg', await plainJpeg());
    const s = service();
    const states = await Promise.all(
      [1, 2, 3, 4, 5].map(async (id) => (await s.forJob(id)).credentials.state),
    );
    expect(states).toEqual(['valid', 'none', 'invalid', 'none', 'none']);
    const camera = await s.forJob(4);
    expect(camera.metadata).toMatchObject({ make: 'TestCam', model: 'TC-100 Mark II', gps: true });
    expect((await s.forJob(5)).metadata).toBeNull();
    // The log says whether there is GPS, never where.
    expect(JSON.stringify(logged)).toContain('"gps":true');
    expect(JSON.stringify(logged)).not.toMatch(/48\.8|2\.35|GPSLat/);
  });

  it('reads the same bytes once, whatever their path (cached by sha256)', async () => {
    const signed = await signedJpeg();
    addJob(1, 'a.jpg', signed);
    addJob(2, 'copy-of-a.jpg', signed);
    const s = service();
    const first = await s.forJob(1);
    const second = await s.forJob(2);
    expect(second).toBe(first);
    expect(logged.filter(([m]) => m === 'provenance read')).toHaveLength(1);
  });

  it('does not read a file that changed since it was checked, and says so', async () => {
    const job = addJob(1, 'a.jpg', await signedJpeg());
    utimesSync(job.path, new Date(), new Date(Date.now() + 60_000));
    const report = await service().forJob(1);
    expect(report.credentials.state).toBe('unchecked');
    expect(report.credentials.problems[0]).toMatch(/changed since it was checked/);
  });

  it('refuses a job not hashed yet with a clear message', async () => {
    addJob(1, 'a.jpg', await plainJpeg(), { sha256: null });
    await expect(service().forJob(1)).rejects.toMatchObject({ code: 'NOT_READ' });
    await expect(service().forJob(99)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('gives queue marks for small hashed files, leaving out those not hashed yet', async () => {
    const signed = await signedJpeg();
    addJob(1, 'signed.jpg', signed);
    addJob(2, 'tampered.jpg', tamper(signed));
    addJob(3, 'plain.jpg', await plainJpeg());
    addJob(4, 'new.jpg', await plainJpeg('#00ff00'), { sha256: null });
    expect(await service().marks([1, 2, 3, 4, 42])).toEqual({ 1: 'valid', 2: 'invalid', 3: 'none' });
  });

  it('gives a report the provenance of its files', async () => {
    addJob(1, 'signed.jpg', await signedJpeg());
    addJob(2, 'camera.jpg', await exifJpeg());
    const map = await service().forReport([...jobs.values()]);
    expect(map.get(1)?.credentials.state).toBe('valid');
    expect(map.get(2)?.metadata?.make).toBe('TestCam');
  });
});
