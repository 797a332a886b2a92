/**
 * A ledger row as the UI may see it: without what only the engine may know (the pre-signed upload
 * URL, which is a capability, and the raw API record), and with the verdict's links cut of their
 * pre-signed queries.
 */
import type { Job } from '../../../shared/domain';
import { redactVerdictLinks } from '../api/record-redaction';
import { withLeaning } from '../api/verdict';
import type { JobRecord } from '../ledger/ledger';

/** The Job the UI sees: the row without what only the engine may know (upload URL, raw record). */
export function toJob(r: JobRecord): Job {
  return {
    id: r.id,
    path: r.path,
    name: r.name,
    folderId: r.folderId,
    size: r.size,
    mtimeMs: r.mtimeMs,
    sha256: r.sha256,
    contentType: r.contentType,
    kind: r.kind,
    model: r.model,
    generation: r.generation,
    remoteId: r.remoteId,
    state: r.state,
    attempts: r.attempts,
    bytesSent: r.bytesSent,
    verdict: redactVerdictLinks(withLeaning(r.verdict)),
    errorCode: r.errorCode,
    errorKind: r.errorKind,
    errorMessage: r.errorMessage,
    duplicateOf: r.duplicateOf,
    profileId: r.profileId,
    simulated: r.simulated,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    doneAt: r.doneAt,
    nextAttemptAt: r.nextAttemptAt,
    recordsCreated: r.recordsCreated,
    desk: r.desk ?? null,
    review: { ...r.review },
  };
}
