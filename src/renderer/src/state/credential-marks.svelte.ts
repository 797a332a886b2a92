/**
 * The queue's Content Credentials marks: rows that have settled on screen say `want(id)`, and the
 * ids wanted within GATHER_MS of each other go to the engine as one `getCredentialMarks` call (no request
 * per row, none per scroll frame). An answer is kept per job and file hash, so a row shown again
 * asks nothing; a job the engine left out (not hashed yet, too large to read for a mark) may be
 * asked again when its row settles again.
 */
import { SvelteMap } from 'svelte/reactivity';
import type { AuthentaWatchApi } from '../../../shared/contract';
import type { CredentialState } from '../../../shared/provenance';
import { afterQuietly } from '../lib/settle';

type MarksApi = Partial<Pick<AuthentaWatchApi, 'getCredentialMarks'>>;

/** Rows settling within this long of each other share one request (a frame or two). */
const GATHER_MS = 30;

/** At most this many ids in one call (the contract's limit). */
const BATCH = 500;

export class CredentialMarksState {
  /** Known marks by job id, with the hash they hold for. */
  readonly #known = new SvelteMap<number, { sha256: string; state: CredentialState }>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never shown
  readonly #wanted = new Map<number, string>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never shown
  readonly #asking = new Set<number>();
  #scheduled = false;
  readonly #api: MarksApi;

  constructor(api: MarksApi) {
    this.#api = api;
  }

  /** The mark of this job's file, if known for these bytes. */
  get(id: number, sha256: string | null): CredentialState | null {
    const known = this.#known.get(id);
    return known && known.sha256 === sha256 ? known.state : null;
  }

  /** A settled row wants its mark; asked for with the others wanted in the same tick. */
  want(id: number, sha256: string): void {
    if (!this.#api.getCredentialMarks) return;
    if (this.get(id, sha256) !== null || this.#asking.has(id)) return;
    this.#wanted.set(id, sha256);
    if (this.#scheduled) return;
    this.#scheduled = true;
    afterQuietly(GATHER_MS, () => void this.#flush());
  }

  async #flush(): Promise<void> {
    this.#scheduled = false;
    const batch = [...this.#wanted].slice(0, BATCH);
    for (const [id] of batch) {
      this.#wanted.delete(id);
      this.#asking.add(id);
    }
    if (this.#wanted.size > 0) {
      this.#scheduled = true;
      afterQuietly(GATHER_MS, () => void this.#flush());
    }
    try {
      const marks = await this.#api.getCredentialMarks!(batch.map(([id]) => id));
      for (const [id, sha256] of batch) {
        const state = marks?.[id];
        if (state) this.#known.set(id, { sha256, state });
      }
    } catch {
      // A mark is a hint: without an answer the row shows none; the details still read it.
    } finally {
      for (const [id] of batch) this.#asking.delete(id);
    }
  }
}
