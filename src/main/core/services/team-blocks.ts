/**
 * The team-wide pause (issue 11): on a team ledger the account's blocks (its Query or Mutation
 * quota used up, no credits left: `isAccountBlock`) are the team's, since every desk calls on the
 * same account. Blocks of one desk's own (its credentials, its network, its proxy) stay its own.
 *
 * - One desk's refused call sets the block in the ledger (`SharedBlocks`, with the time to try
 *   again and the desk that met it); every other desk hears it and sets the same block, same
 *   time, naming that desk. A desk that starts reads the blocks still in force.
 * - When the time comes, each desk asks for the probe; exactly one gets it (a claim on the row
 *   with a lease) and makes the single call. Its success lifts the block for every desk; its
 *   refusal sets the next time for every desk. A desk that stops while testing loses its claim
 *   when the lease runs out, and another desk tests it then.
 * - The user's resume (or retry of a blocked file) on any desk lifts the account's blocks for
 *   every desk: whoever resumes says the quota was raised or credits bought; if not, the next
 *   call is refused and sets the block again for all.
 * - When the ledger cannot be asked, the desk behaves as one desk alone: it tests the block itself.
 */
import type { BlockKind } from '../../../shared/domain';
import type { SharedBlock, SharedBlocks } from '../ledger/ledger';
import { isAccountBlock, type BlockOrder } from '../pipeline/error-policy';
import type { BlockBoard, BlockTeam } from '../pipeline/blocks';
import type { Clock, Disposable, Logger } from '../ports';

const ACCOUNT_KINDS: readonly BlockKind[] = ['quota-query', 'quota-mutation', 'credits'];

/** What the team's blocks need. */
export interface TeamBlocksOptions {
  store: SharedBlocks;
  board: BlockBoard;
  clock: Clock;
  logger: Logger;
  /** This desk's name, as the ledger writes it. */
  desk: string;
  /**
   * The account the active profile calls (its API base URL), or null when its blocks stay this
   * desk's own (no usable profile, the Sandbox's simulator).
   */
  scope: () => string | null;
  /** How long a desk's claim on a probe holds (the ledger's lease). */
  probeLeaseMs: number;
}

/** See the module comment. `start()` once the profile is active and before the pipeline starts. */
export class TeamBlocks implements BlockTeam, Disposable {
  private subscription: Disposable | null = null;
  /** Kinds this desk saw in the ledger (wrote or read): missing there later means lifted. */
  private readonly known = new Set<BlockKind>();
  /** Writes under way per kind, and how many were started: a read that crossed one is not trusted for that kind. */
  private readonly pending = new Map<BlockKind, number>();
  private readonly started = new Map<BlockKind, number>();
  private readonly writes = new Set<Promise<void>>();
  private readonly rechecks = new Map<BlockKind, Disposable>();
  private syncing: Promise<void> | null = null;
  private syncAgain = false;
  /** A read met a write under way: read again once the writes are done. */
  private afterWrites = false;
  private disposed = false;

  constructor(private readonly o: TeamBlocksOptions) {}

  /** Share the board's account blocks from now on, and set those in force. */
  async start(): Promise<void> {
    this.o.board.attachTeam(this);
    this.subscription = this.o.store.onChange(() => void this.sync());
    await this.sync();
  }

  shares(kind: BlockKind): boolean {
    return !this.disposed && isAccountBlock(kind) && this.o.scope() !== null;
  }

  seen(order: BlockOrder): void {
    const scope = this.o.scope();
    if (!scope) return;
    const { kind, error, retryAt } = order;
    this.known.add(kind);
    this.o.logger.info('an account block is set for every desk', {
      kind,
      retryAt: retryAt === null ? null : new Date(retryAt).toISOString(),
    });
    this.track(
      [kind],
      this.o.store.set(
        { scope, kind, code: error?.code ?? kind.toUpperCase(), message: error?.message ?? '', retryAt },
        this.o.clock.now(),
      ),
    );
  }

  lifted(kinds: readonly BlockKind[], startedAt: number): void {
    const scope = this.o.scope();
    if (!scope) return;
    for (const k of kinds) this.known.delete(k);
    this.o.logger.info('an account block is lifted for every desk', { kinds: kinds.join(',') });
    this.track(kinds, this.o.store.lift(scope, kinds, startedAt));
  }

  due(kind: BlockKind): void {
    void this.claim(kind);
  }

  /**
   * Read the blocks in force and set the board to match: set or renewed elsewhere, set here;
   * gone from the ledger (lifted by another desk), lifted here.
   */
  sync(): Promise<void> {
    if (this.syncing) {
      this.syncAgain = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      try {
        do {
          this.syncAgain = false;
          await this.syncOnce();
        } while (this.syncAgain && !this.disposed);
      } finally {
        this.syncing = null;
      }
    })();
    return this.syncing;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.subscription?.dispose();
    this.subscription = null;
    for (const t of this.rechecks.values()) t.dispose();
    this.rechecks.clear();
    await Promise.all([...this.writes]);
    await this.syncing;
  }

  private async syncOnce(): Promise<void> {
    const scope = this.o.scope();
    if (!scope || this.disposed) return;
    const before = new Map(this.started);
    let rows: SharedBlock[];
    try {
      rows = await this.o.store.list(scope);
    } catch (e) {
      this.o.logger.warn('the team ledger could not tell the account blocks', { message: String(e) });
      return;
    }
    if (this.disposed || this.o.scope() !== scope) return;
    for (const kind of ACCOUNT_KINDS) {
      // A write of this desk crossed the read: the read may predate it; read again after it.
      if ((this.pending.get(kind) ?? 0) > 0) {
        this.afterWrites = true;
        continue;
      }
      if (this.started.get(kind) !== before.get(kind)) {
        this.syncAgain = true;
        continue;
      }
      const row = rows.find((r) => r.kind === kind);
      if (row) this.apply(row);
      else if (this.known.delete(kind)) this.o.board.liftShared(kind);
    }
  }

  /** Set a block as the ledger has it. */
  private apply(row: SharedBlock): void {
    if (!this.known.has(row.kind) && row.desk !== this.o.desk) {
      this.o.logger.info('an account block another desk met', { kind: row.kind, desk: row.desk });
    }
    this.known.add(row.kind);
    this.o.board.setShared(
      row.kind,
      { code: row.code, message: row.message },
      row.retryAt,
      row.desk === this.o.desk ? null : row.desk,
    );
  }

  /** The block's time came: ask the ledger whether this desk tests it. */
  private async claim(kind: BlockKind): Promise<void> {
    this.rechecks.get(kind)?.dispose();
    this.rechecks.delete(kind);
    const scope = this.o.scope();
    if (!scope) {
      this.o.board.grantProbe(kind);
      return;
    }
    await Promise.all([...this.writes]);
    if (this.disposed) return;
    let claim;
    try {
      claim = await this.o.store.claimProbe(scope, kind, this.o.clock.now(), this.o.probeLeaseMs);
    } catch (e) {
      if (this.disposed) return;
      // The team cannot be asked: test it here, as one desk alone would.
      this.o.logger.warn('the team ledger could not give the probe; this desk tests the block', {
        kind,
        message: String(e),
      });
      this.o.board.grantProbe(kind);
      return;
    }
    if (this.disposed) return;
    const row = claim.block;
    if (claim.mine || !row) {
      // Mine; or gone from the ledger (lifted meanwhile, its notice on the way, or never
      // recorded): one call of this desk tells.
      if (claim.mine) this.o.logger.info('this desk tests the account block for every desk', { kind });
      this.o.board.grantProbe(kind);
      return;
    }
    if (row.retryAt === null || row.retryAt > this.o.clock.now()) {
      this.apply(row); // a new time (another desk's probe was refused): wait for it
      return;
    }
    // Another desk tests it: look again when its claim runs out (it may have stopped meanwhile).
    const at = Math.max(row.probeUntil ?? 0, this.o.clock.now()) + 1;
    this.o.logger.info('another desk tests the account block', {
      kind,
      desk: row.probeDesk,
      until: new Date(at).toISOString(),
    });
    this.rechecks.set(
      kind,
      this.o.clock.setTimeout(() => {
        this.rechecks.delete(kind);
        if (!this.disposed && this.o.board.isShared(kind)) void this.claim(kind);
      }, at - this.o.clock.now()),
    );
  }

  /** Run a write of these kinds; a failure is logged (the board here stands as it is). */
  private track(kinds: readonly BlockKind[], write: Promise<void>): void {
    for (const k of kinds) {
      this.pending.set(k, (this.pending.get(k) ?? 0) + 1);
      this.started.set(k, (this.started.get(k) ?? 0) + 1);
    }
    const done: Promise<void> = write
      .catch((e: unknown) => {
        this.o.logger.warn('the other desks could not be told of an account block', {
          kinds: kinds.join(','),
          message: String(e),
        });
      })
      .finally(() => {
        for (const k of kinds) this.pending.set(k, (this.pending.get(k) ?? 1) - 1);
        this.writes.delete(done);
        if (this.afterWrites && this.writes.size === 0 && !this.disposed) {
          this.afterWrites = false;
          void this.sync();
        }
      });
    this.writes.add(done);
  }
}
