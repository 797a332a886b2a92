/**
 * A DetectionService that counts every API call by the quota it spends (the status bar's
 * "calls today"), whatever adapter is behind it. Uploads go to storage and are not counted.
 * What an adapter offers beyond the port (finalize, cancel, reading one status a page at a time)
 * is offered here too, counted the same way, so the pipeline never reaches past the counter.
 */
import type { JobStatus } from '../api/jobs-schemas';
import type {
  CreateInput,
  CreatedRecord,
  DetectionService,
  RemotePage,
  RemoteRecord,
  UploadFile,
  UploadOptions,
  UploadReceipt,
  UploadTarget,
} from '../ports';

/** The local calendar day of `ms` as YYYY-MM-DD (quotas and "today" follow the user's clock). */
export function localDay(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** The statuses a listing can be filtered by (the Jobs API's). */
export type ListStatus = JobStatus;

/** One page of the records in one status, with where it stands in the whole filtered list. */
export interface StatusPage extends RemotePage {
  page: number;
  /** Pages in all. */
  pages: number;
}

/** A service that can list the records of one status a page at a time (`GET /v1/jobs?status=`). */
export interface StatusListing {
  listByStatus(
    status: ListStatus,
    page: { page: number; limit: number },
    signal?: AbortSignal,
  ): Promise<StatusPage>;
}

/** Whether a service offers `listByStatus` (the Jobs API adapter does; the media API has no filter). */
export function hasStatusListing(service: object): service is StatusListing {
  return typeof (service as Partial<StatusListing>).listByStatus === 'function';
}

/** Counts each API call by quota kind before passing it on, unchanged. */
export class CountingService implements DetectionService {
  readonly finalize?: (remoteId: string, signal?: AbortSignal) => Promise<void>;
  readonly cancel?: (remoteId: string, signal?: AbortSignal) => Promise<void>;
  /** Present when the service behind it can filter its list by status (a Query call). */
  readonly listByStatus?: StatusListing['listByStatus'];

  constructor(
    private readonly inner: DetectionService,
    private readonly count: (quota: 'query' | 'mutation') => void,
  ) {
    if (inner.finalize) {
      const f = inner.finalize.bind(inner);
      this.finalize = (id, signal) => {
        this.count('mutation');
        return f(id, signal);
      };
    }
    if (inner.cancel) {
      const c = inner.cancel.bind(inner);
      this.cancel = (id, signal) => {
        this.count('mutation');
        return c(id, signal);
      };
    }
    if (hasStatusListing(inner)) {
      const l = inner.listByStatus.bind(inner);
      this.listByStatus = (status, page, signal) => {
        this.count('query');
        return l(status, page, signal);
      };
    }
  }

  get generation(): DetectionService['generation'] {
    return this.inner.generation;
  }

  create(input: CreateInput, signal?: AbortSignal): Promise<CreatedRecord> {
    this.count('mutation');
    return this.inner.create(input, signal);
  }

  upload(target: UploadTarget, file: UploadFile, options?: UploadOptions): Promise<UploadReceipt> {
    return this.inner.upload(target, file, options);
  }

  get(remoteId: string, signal?: AbortSignal): Promise<RemoteRecord> {
    this.count('query');
    return this.inner.get(remoteId, signal);
  }

  list(page: { limit: number; offset: number }, signal?: AbortSignal): Promise<RemotePage> {
    this.count('query');
    return this.inner.list(page, signal);
  }

  remove(remoteId: string, signal?: AbortSignal): Promise<void> {
    this.count('mutation');
    return this.inner.remove(remoteId, signal);
  }
}
