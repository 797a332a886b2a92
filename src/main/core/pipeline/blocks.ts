/**
 * The blocks that stop the queue (quota, credits, credentials, network), what each stops, and the
 * single probe that tests whether one has lifted. A block with `retryAt` opens a "probe" slot at
 * that time: exactly one call may go through; its success lifts the block, its failure sets it
 * again with a new time. Blocks without `retryAt` wait for the user (resume, new credentials).
 */
import type { Block, BlockKind } from '../../../shared/domain';
import type { Clock, Disposable } from '../ports';
import { blocksOf, describeBlock, type BlockOrder, type Operation } from './error-policy';

/** May this operation run now? `probe`: yes, as the single test of a block whose time has come. */
export type Gate = 'open' | 'blocked' | 'probe';

/** The current blocks, with the one-probe rule; tells listeners when anything changes. */
export class BlockBoard implements Disposable {
  private readonly blocks = new Map<BlockKind, Block>();
  private readonly probing = new Set<BlockKind>();
  private readonly setAt = new Map<BlockKind, number>();
  private readonly timers = new Map<BlockKind, Disposable>();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly clock: Clock) {}

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
    return blocksOf(op, this.list()).every((b) => b.retryAt !== null && b.retryAt <= now);
  }

  /**
   * Whether `op` may run. When every block covering it has reached its `retryAt` and none is
   * being probed, the caller gets `probe` and must report with `succeeded` or by setting the block again.
   */
  gate(op: Operation): Gate {
    const covering = blocksOf(op, this.list());
    if (!covering.length) return 'open';
    const now = this.clock.now();
    const due = covering.every((b) => b.retryAt !== null && b.retryAt <= now && !this.probing.has(b.kind));
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
    for (const b of blocksOf(op, this.list())) {
      if ((this.setAt.get(b.kind) ?? 0) <= startedAt) changed = this.lift(b.kind, false) || changed;
    }
    if (changed) this.emit();
  }

  /** A probe ended without an answer either way (cancelled): let another call probe. */
  probeAbandoned(op: Operation): void {
    for (const b of blocksOf(op, this.list())) this.probing.delete(b.kind);
  }

  /** Set (or renew) a block. `retryAt`: when one call may test it again; null: wait for the user. */
  /** Set the block an error outcome ordered (see `blockOrder`); nothing when it ordered none. */
  apply(order: BlockOrder | null): void {
    if (order) this.set(order.kind, order.error, order.retryAt);
  }

  set(
    kind: BlockKind,
    error: { code: string; message: string; action?: string } | null,
    retryAt: number | null,
  ): Block {
    const existing = this.blocks.get(kind);
    const block = describeBlock(kind, error, existing?.since ?? this.clock.now(), retryAt);
    this.blocks.set(kind, block);
    this.setAt.set(kind, this.clock.now());
    this.probing.delete(kind);
    this.timers.get(kind)?.dispose();
    this.timers.delete(kind);
    if (retryAt !== null) {
      const delay = Math.max(0, retryAt - this.clock.now());
      this.timers.set(
        kind,
        this.clock.setTimeout(() => {
          this.timers.delete(kind);
          this.emit();
        }, delay),
      );
    }
    this.emit();
    return block;
  }

  /** Lift some blocks (the user resumed, or credentials changed). */
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
  }

  private lift(kind: BlockKind, notify: boolean): boolean {
    const had = this.blocks.delete(kind);
    this.probing.delete(kind);
    this.timers.get(kind)?.dispose();
    this.timers.delete(kind);
    if (had && notify) this.emit();
    return had;
  }

  private emit(): void {
    for (const l of [...this.listeners]) l();
  }
}
