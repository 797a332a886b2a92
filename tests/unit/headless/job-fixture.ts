import type { Job } from '../../../src/shared/domain';

/** A job row with every field set; override what a case is about. */
export function job(over: Partial<Job> = {}): Job {
  return {
    id: 1,
    path: '/in/clip.mp4',
    name: 'clip.mp4',
    folderId: 'f1',
    size: 1234,
    mtimeMs: 0,
    sha256: 'ab'.repeat(32),
    contentType: 'video/mp4',
    kind: 'video',
    model: 'DF-1',
    generation: 'media-client',
    remoteId: null,
    state: 'queued',
    attempts: 0,
    bytesSent: 0,
    verdict: null,
    errorCode: null,
    errorKind: null,
    errorMessage: null,
    duplicateOf: null,
    profileId: 'default',
    simulated: false,
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    doneAt: null,
    review: { status: 'new', note: null, at: null },
    ...over,
  };
}
