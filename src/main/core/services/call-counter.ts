/**
 * Counts the API calls of the local day by quota (the status bar's "calls today"). The count is
 * kept in the ledger, so a restart on the same day goes on from where it was; a new day starts
 * at zero.
 */
import type { Ledger, QuotaKind } from '../ledger/ledger';
import type { Clock, Logger } from '../ports';
import { localDay } from '../pipeline/counting-service';

/** What the counter needs. */
export interface CallCounterOptions {
  clock: Clock;
  logger: Logger;
  /** A call was counted (the status shows it). */
  onCount(): void;
}

/** See the module comment. `load` before counting. */
export class CallCounter {
  private calls = { day: '', query: 0, mutation: 0 };
  private ledger: Ledger | null = null;

  constructor(private readonly options: CallCounterOptions) {}

  /** Reads today's counts from `ledger`, and writes each new call there from now on. */
  async load(ledger: Ledger): Promise<void> {
    const day = localDay(this.options.clock.now());
    this.calls = { day, ...(await ledger.callsOn(day)) };
    this.ledger = ledger;
  }

  /** Stops writing to the ledger (it is about to close); counting goes on in memory. */
  close(): void {
    this.ledger = null;
  }

  /** One call of `quota` was made. */
  count(quota: QuotaKind): void {
    this.rollDay();
    this.calls[quota] += 1;
    this.ledger
      ?.addCalls(this.calls.day, quota, 1)
      .catch((e: unknown) => this.options.logger.warn('could not count a call', { message: String(e) }));
    this.options.onCount();
  }

  /** The calls of today so far. */
  today(): Record<QuotaKind, number> {
    this.rollDay();
    return { query: this.calls.query, mutation: this.calls.mutation };
  }

  private rollDay(): void {
    const day = localDay(this.options.clock.now());
    if (day !== this.calls.day) this.calls = { day, query: 0, mutation: 0 };
  }
}
