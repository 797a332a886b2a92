/**
 * The queue's multi-row selection, as desktop lists have it: a click selects one row, Shift+click
 * the range from the anchor, Ctrl/Cmd+click toggles one row, Shift+Arrow extends, Ctrl/Cmd+A
 * selects every row the list shows, Escape clears. Kept by job id (never by position), so it
 * survives scrolling a virtual list and rows moving as they change. Pure: the queue's state holds
 * a Selection and replaces it with what these functions return; tested with tables.
 */

/** Which jobs are selected, and the row ranges start from. */
export interface Selection {
  readonly ids: ReadonlySet<number>;
  /** The row a Shift range starts from (the last row clicked or toggled); null: none. */
  readonly anchor: number | null;
}

export const EMPTY_SELECTION: Selection = { ids: new Set(), anchor: null };

/** What the user did. `order`: the ids of the rows the list shows, in its order. */
export type SelectionGesture =
  /** A plain click, or the keyboard moving to a row: that row alone. */
  | { kind: 'only'; id: number }
  /** Ctrl/Cmd+click: that row in or out, the rest kept. */
  | { kind: 'toggle'; id: number }
  /** Shift+click or Shift+Arrow: anchor to `id`; `add` (Ctrl/Cmd held too) keeps the rest. */
  | { kind: 'range'; id: number; add?: boolean }
  /** Ctrl/Cmd+A: every row shown. */
  | { kind: 'all' }
  /** Escape. */
  | { kind: 'clear' };

/** The selection after a gesture, over the rows `order` the list shows. */
export function selectRows(
  current: Selection,
  gesture: SelectionGesture,
  order: readonly number[],
): Selection {
  switch (gesture.kind) {
    case 'only':
      return { ids: new Set([gesture.id]), anchor: gesture.id };
    case 'toggle': {
      const ids = new Set(current.ids);
      if (ids.has(gesture.id)) ids.delete(gesture.id);
      else ids.add(gesture.id);
      return { ids, anchor: gesture.id };
    }
    case 'range': {
      const to = order.indexOf(gesture.id);
      const from = current.anchor === null ? -1 : order.indexOf(current.anchor);
      // No anchor on screen (none yet, or filtered away): the range starts and ends at the row.
      if (to < 0 || from < 0) return { ids: new Set([gesture.id]), anchor: gesture.id };
      const ids = gesture.add ? new Set(current.ids) : new Set<number>();
      for (let i = Math.min(from, to); i <= Math.max(from, to); i++) ids.add(order[i]!);
      // The anchor stays, so the next Shift+click or Shift+Arrow reshapes the same range.
      return { ids, anchor: current.anchor };
    }
    case 'all':
      return { ids: new Set(order), anchor: current.anchor ?? order[0] ?? null };
    case 'clear':
      return EMPTY_SELECTION;
  }
}

/**
 * The gesture of a mouse click on row `id`: Shift for a range (with Ctrl/Cmd: added to the
 * selection), Ctrl or Cmd to toggle, a plain click for the row alone.
 */
export function clickGesture(
  id: number,
  keys: { shiftKey: boolean; ctrlKey: boolean; metaKey: boolean },
): SelectionGesture {
  const mod = keys.ctrlKey || keys.metaKey;
  if (keys.shiftKey) return mod ? { kind: 'range', id, add: true } : { kind: 'range', id };
  return mod ? { kind: 'toggle', id } : { kind: 'only', id };
}

/** Only the selected rows still shown (after a filter, a reload or rows leaving); same object when nothing left. */
export function keepShown(current: Selection, order: readonly number[]): Selection {
  const shown = new Set(order);
  let gone = false;
  for (const id of current.ids) if (!shown.has(id)) gone = true;
  const anchorGone = current.anchor !== null && !shown.has(current.anchor);
  if (!gone && !anchorGone) return current;
  return {
    ids: new Set([...current.ids].filter((id) => shown.has(id))),
    anchor: anchorGone ? null : current.anchor,
  };
}

/** The selected ids in the list's order (for a report or a bulk change), shown rows only. */
export function selectedInOrder(current: Selection, order: readonly number[]): number[] {
  if (current.ids.size === 0) return [];
  return order.filter((id) => current.ids.has(id));
}
