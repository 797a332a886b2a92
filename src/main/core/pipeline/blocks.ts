/**
 * The blocks that stop the queue (quota, credits, credentials, network), what each stops, and the
 * single probe that tests whether one has lifted. A block with `retryAt` opens a "probe" slot at
 * that time: exactly one call may go through; its success lifts the block, its failure sets it
 * again with a new time. Blocks without `retryAt` wait for the user (resume, new credentials).
 *
 * On a team ledger the account's blocks (quota, credits: `isAccountBlock`) are the team's
 * (`BlockTeam`, team-blocks.ts): one met here is told to every desk, one met elsewhere is set here
 * with the same time, and when the time comes the probe is this desk's only once the team gave it
 * (`grantProbe`), so one desk tests it for all.
 */
import type { Block, BlockKind } from '../../../shared/domain';
import type { Clock, Disposable } from '../ports';
import { blocksOf, describeBlock, type BlockOrder, type Operation, type TeamSeen } from './error-policy';

/** May this operation run now? `probe`: yes, as the single test of a block whose time has come. */
export type Gate = 'open' | 'blocked' | 'probe';

/**
 * Where a board's shared blocks go (a team ledger; absent on one desk). Called synchronously from
 * the board; the team does its I/O behind and answers through `setShared`, `grantProbe` and
 * `liftShared`.
 */
export interface BlockTeam {
  /** Whether a block of this kind is shared by every desk now (the account's, on a team ledger). */
  shares(kind: BlockKind): boolean;
  /** A call of this desk met a shared block (or a probe failed): tell every desk. */
  seen(order: BlockOrder): void;
  /** Calls started at `startedAt` got through, or the user resumed: lift it for every desk. */
  lifted(kinds: readonly BlockKind[], startedAt: number): void;
  /** A shared block's time has come: find out whether this desk tests it (then `grantProbe`). */
  due(kind: BlockKind): void;
}

/** The current blocks, with the one-probe rule; tells listeners when anything changes. */
export class BlockBoard implements Disposable {
  private readonly blocks = new Map<BlockKind, Block>();
  private readonly probing = new Set<BlockKind>();
  private readonly setAt = new Map<BlockKind, number>();
  private readonly timers = new Map<BlockKind, Disposable>();
  private readonly listeners = new Set<() => void>();
  /** Blocks shared with the team (see BlockTeam). */
  private readonly shared = new Set<BlockKind>();
  /** Shared blocks whose probe is not (yet) this desk's: not due here even when their time came. */
  private readonly held = new Set<BlockKind>();
  private team: BlockTeam | null = null;

  constructor(private readonly clock: Clock) {}

  /** Share the account's blocks with a team from now on (a team ledger). */
  attachTeam(team: BlockTeam): void {
    this.team = team;
  }

  /** The current blocks, oldest first. */
  list(): Block[] {
    return [...this.blocks.values()];
  }

  has(kind: BlockKind): boolean {
    return this.blocks.has(kind);
  }

  /** Told whenever a block is set, lifted, or its probe time comes. */
  onChange(listener: () => void): Disposable {
    this.listeners.add(listener);
    return {
      dispose: () => {
        this.listeners.delete(listener);
      },
    };
  }

  /** Whether no block covers `op` (callers that never probe: polling, resuming uploads). */
  isOpen(op: Operation): boolean {
    return blocksOf(op, this.list()).length === 0;
  }

  /** Whether every block covering `op` may be tested now (or none covers it). */
  isDueOrOpen(op: Operation): boolean {
    const now = this.clock.now();
    return blocksOf(op, this.list()).every(
      (b) => b.retryAt !== null && b.retryAt <= now && !this.held.has(b.kind),
    );
  }

  /**
   * Whether `op` may run. When every block covering it has reached its `retryAt` and none is
   * being probed, the caller gets `probe` and must report with `succeeded` or by setting the block again.
   */
  gate(op: Operation): Gate {
    const covering = blocksOf(op, this.list());
    if (!covering.length) return 'open';
    const now = this.clock.now();
    const due = covering.every(
      (b) => b.retryAt !== null && b.retryAt <= now && !this.probing.has(b.kind) && !this.held.has(b.kind),
    );
    if (!due) return 'blocked';
    for (const b of covering) this.probing.add(b.kind);
    return 'probe';
  }

  /**
   * A call of `op` that started at `startedAt` succeeded: every block covering it that was set
   * before the call started is lifted (a call already under way when the block came proves nothing).
   */
  succeeded(op: Operation, startedAt: number): void {
    let changed = false;
    const sharedLifted: BlockKind[] = [];
    for (const b of blocksOf(op, this.list())) {
      if ((this.setAt.get(b.kind) ?? 0) > startedAt) continue;
      if (this.shared.has(b.kind)) sharedLifted.push(b.kind);
      changed = this.lift(b.kind, false) || changed;
    }
    if (sharedLifted.length) this.team?.lifted(sharedLifted, startedAt);
    if (changed) this.emit();
  }

  /** A probe ended without an answer either way (cancelled): let another call probe. */
  probeAbandoned(op: Operation): void {
    for (const b of blocksOf(op, this.list())) this.probing.delete(b.kind);
  }

  /**
   * Set the block an error outcome ordered (see `blockOrder`); nothing when it ordered none. An
   * account's block on a team ledger is the team's: told to every desk.
   */
  apply(order: BlockOrder | null): void {
    if (!order) return;
    if (this.team?.shares(order.kind)) {
      this.set(order.kind, order.error, order.retryAt, { seenBy: null });
      this.team.seen(order);
      return;
    }
    this.set(order.kind, order.error, order.retryAt);
  }

  /**
   * Set (or renew) a block. `retryAt`: when one call may test it again; null: wait for the user.
   * `team`: a block the team shares (this desk met it, or another desk did and is named): when its
   * time comes, this desk tests it only once the team gives it the probe (`grantProbe`).
   */
  set(
    kind: BlockKind,
    error: { code: string; message: string; action?: string } | null,
    retryAt: number | null,
    team?: TeamSeen,
  ): Block {
    const existing = this.blocks.get(kind);
    const block = describeBlock(kind, error, existing?.since ?? this.clock.now(), retryAt, team);
    this.blocks.set(kind, block);
    this.setAt.set(kind, this.clock.now());
    this.probing.delete(kind);
    if (team) {
      this.shared.add(kind);
      this.held.add(kind);
    } else {
      this.shared.delete(kind);
      this.held.delete(kind);
    }
    this.timers.get(kind)?.dispose();
    this.timers.delete(kind);
    if (retryAt !== null) {
      const delay = Math.max(0, retryAt - this.clock.now());
      this.timers.set(
        kind,
        this.clock.setTimeout(() => {
          this.timers.delete(kind);
          if (this.held.has(kind)) this.team?.due(kind);
          this.emit();
        }, delay),
      );
    }
    this.emit();
    return block;
  }

  /**
   * A shared block as the team has it (another desk met it, or set a new time): set here with the
   * same time, unless it already stands so. `seenBy`: the desk that met it, null for this one.
   */
  setShared(
    kind: BlockKind,
    error: { code: string; message: string },
    retryAt: number | null,
    seenBy: string | null,
  ): void {
    const current = this.blocks.get(kind);
    if (current && this.shared.has(kind) && current.retryAt === retryAt && current.code === error.code)
      return;
    this.set(kind, error, retryAt, { seenBy });
  }

  /** The team gave this desk the probe of a shared block whose time has come. */
  grantProbe(kind: BlockKind): void {
    if (!this.held.delete(kind)) return;
    this.emit();
  }

  /** Whether this desk holds a shared block of this kind (see `setShared`). */
  isShared(kind: BlockKind): boolean {
    return this.blocks.has(kind) && this.shared.has(kind);
  }

  /** The team lifted a shared block (another desk's call got through, or someone resumed). */
  liftShared(kind: BlockKind): void {
    if (!this.shared.has(kind)) return;
    this.lift(kind, true);
  }

  /** The user resumed: every block is lifted, the team's for every desk. */
  resume(): void {
    const sharedLifted = [...this.blocks.keys()].filter((k) => this.shared.has(k));
    if (sharedLifted.length) this.team?.lifted(sharedLifted, this.clock.now());
    this.clear();
  }

  /** Lift some blocks here only (credentials changed; the user's resume is `resume`). */
  clear(kinds?: readonly BlockKind[]): void {
    const list = kinds ?? [...this.blocks.keys()];
    let changed = false;
    for (const k of list) if (this.blocks.has(k)) changed = this.lift(k, false) || changed;
    if (changed) this.emit();
  }

  dispose(): void {
    for (const t of this.timers.values()) t.dispose();
    this.timers.clear();
    this.listeners.clear();
    this.team = null;
  }

  private lift(kind: BlockKind, notify: boolean): boolean {
    const had = this.blocks.delete(kind);
    this.probing.delete(kind);
    this.shared.delete(kind);
    this.held.delete(kind);
    this.timers.get(kind)?.dispose();
    this.timers.delete(kind);
    if (had && notify) this.emit();
    return had;
  }

  private emit(): void {
    for (const l of [...this.listeners]) l();
  }
}
