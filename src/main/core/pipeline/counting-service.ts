/**
 * A DetectionService that counts every API call by the quota it spends (the status bar's
 * "calls today"), whatever adapter is behind it. Uploads go to storage and are not counted.
 */
import type {
  CreateInput,
  CreatedRecord,
  DetectionService,
  RemotePage,
  RemoteRecord,
  UploadFile,
  UploadOptions,
  UploadTarget,
} from '../ports';

/** The local calendar day of `ms` as YYYY-MM-DD (quotas and "today" follow the user's clock). */
export function localDay(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** Counts each API call by quota kind before passing it on, unchanged. */
export class CountingService implements DetectionService {
  readonly finalize?: (remoteId: string, signal?: AbortSignal) => Promise<void>;
  readonly cancel?: (remoteId: string, signal?: AbortSignal) => Promise<void>;

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
  }

  get generation(): DetectionService['generation'] {
    return this.inner.generation;
  }

  create(input: CreateInput, signal?: AbortSignal): Promise<CreatedRecord> {
    this.count('mutation');
    return this.inner.create(input, signal);
  }

  upload(target: UploadTarget, file: UploadFile, options?: UploadOptions): Promise<void> {
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
