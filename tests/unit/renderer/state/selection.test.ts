import { describe, expect, it } from 'vitest';
import {
  EMPTY_SELECTION,
  clickGesture,
  keepShown,
  selectRows,
  selectedInOrder,
  type Selection,
  type SelectionGesture,
} from '../../../../src/renderer/src/state/selection';

/** The list shows these ids in this order (newest first, as the queue sorts by default). */
const ORDER = [50, 40, 30, 20, 10];
const sel = (ids: number[], anchor: number | null): Selection => ({ ids: new Set(ids), anchor });
/** A selection as [ids in list order, anchor], for readable tables. */
const view = (s: Selection): [number[], number | null] => [selectedInOrder(s, ORDER), s.anchor];

describe('selectRows', () => {
  it.each<[string, Selection, SelectionGesture, [number[], number | null]]>([
    ['a click selects the row alone', sel([50, 40], 50), { kind: 'only', id: 30 }, [[30], 30]],
    ['a click on the only selected row keeps it', sel([30], 30), { kind: 'only', id: 30 }, [[30], 30]],
    ['Ctrl+click adds a row and moves the anchor', sel([50], 50), { kind: 'toggle', id: 20 }, [[50, 20], 20]],
    [
      'Ctrl+click takes a selected row out',
      sel([50, 40, 30], 50),
      { kind: 'toggle', id: 40 },
      [[50, 30], 40],
    ],
    ['Ctrl+click on an empty selection selects one', EMPTY_SELECTION, { kind: 'toggle', id: 10 }, [[10], 10]],
    [
      'Shift+click selects anchor to row, downwards',
      sel([40], 40),
      { kind: 'range', id: 20 },
      [[40, 30, 20], 40],
    ],
    [
      'Shift+click selects anchor to row, upwards',
      sel([20], 20),
      { kind: 'range', id: 50 },
      [[50, 40, 30, 20], 20],
    ],
    ['Shift+click replaces what was selected', sel([50, 10], 30), { kind: 'range', id: 20 }, [[30, 20], 30]],
    ['Shift+click on the anchor: that row alone', sel([50, 40], 40), { kind: 'range', id: 40 }, [[40], 40]],
    [
      'Ctrl+Shift+click adds the range',
      sel([50, 10], 30),
      { kind: 'range', id: 20, add: true },
      [[50, 30, 20, 10], 30],
    ],
    ['Shift+click without an anchor selects the row', EMPTY_SELECTION, { kind: 'range', id: 30 }, [[30], 30]],
    [
      'Shift+click with the anchor filtered away selects the row',
      sel([99], 99),
      { kind: 'range', id: 30 },
      [[30], 30],
    ],
    ['Ctrl+A selects every row shown', sel([30], 30), { kind: 'all' }, [ORDER, 30]],
    ['Ctrl+A with nothing selected anchors at the top', EMPTY_SELECTION, { kind: 'all' }, [ORDER, 50]],
    ['Escape clears', sel([50, 40], 50), { kind: 'clear' }, [[], null]],
  ])('%s', (_name, before, gesture, expected) => {
    expect(view(selectRows(before, gesture, ORDER))).toEqual(expected);
  });

  it('Shift+Arrow twice from one row extends, then Shift+Arrow back shrinks the same range', () => {
    let s = selectRows(EMPTY_SELECTION, { kind: 'only', id: 40 }, ORDER);
    s = selectRows(s, { kind: 'range', id: 30 }, ORDER);
    s = selectRows(s, { kind: 'range', id: 20 }, ORDER);
    expect(view(s)).toEqual([[40, 30, 20], 40]);
    s = selectRows(s, { kind: 'range', id: 30 }, ORDER);
    expect(view(s)).toEqual([[40, 30], 40]);
    // Past the anchor the range turns upwards.
    s = selectRows(s, { kind: 'range', id: 50 }, ORDER);
    expect(view(s)).toEqual([[50, 40], 40]);
  });

  it('never changes the selection it is given', () => {
    const before = sel([50], 50);
    selectRows(before, { kind: 'toggle', id: 40 }, ORDER);
    selectRows(before, { kind: 'range', id: 10, add: true }, ORDER);
    expect(view(before)).toEqual([[50], 50]);
  });
});

describe('clickGesture', () => {
  it.each<[string, { shiftKey: boolean; ctrlKey: boolean; metaKey: boolean }, SelectionGesture]>([
    ['plain', { shiftKey: false, ctrlKey: false, metaKey: false }, { kind: 'only', id: 7 }],
    ['Ctrl', { shiftKey: false, ctrlKey: true, metaKey: false }, { kind: 'toggle', id: 7 }],
    ['Cmd', { shiftKey: false, ctrlKey: false, metaKey: true }, { kind: 'toggle', id: 7 }],
    ['Shift', { shiftKey: true, ctrlKey: false, metaKey: false }, { kind: 'range', id: 7 }],
    ['Ctrl+Shift', { shiftKey: true, ctrlKey: true, metaKey: false }, { kind: 'range', id: 7, add: true }],
    ['Cmd+Shift', { shiftKey: true, ctrlKey: false, metaKey: true }, { kind: 'range', id: 7, add: true }],
  ])('%s', (_name, keys, gesture) => {
    expect(clickGesture(7, keys)).toEqual(gesture);
  });
});

describe('keepShown and selectedInOrder', () => {
  it.each<[string, Selection, number[], [number[], number | null]]>([
    [
      'a filter that hides some selected rows drops them',
      sel([50, 30, 10], 30),
      [50, 40, 10],
      [[50, 10], null],
    ],
    ['the anchor stays when it is still shown', sel([50, 30], 50), [50, 30], [[50, 30], 50]],
    ['nothing shown: nothing selected', sel([50, 30], 50), [], [[], null]],
  ])('%s', (_name, before, shown, [ids, anchor]) => {
    const after = keepShown(before, shown);
    expect([[...after.ids].sort((a, b) => b - a), after.anchor]).toEqual([ids, anchor]);
  });

  it('returns the same selection when every selected row is still shown (no re-render)', () => {
    const before = sel([40, 20], 40);
    expect(keepShown(before, ORDER)).toBe(before);
  });

  it('lists the selected rows in the order the list shows them, not the order they were picked', () => {
    expect(selectedInOrder(sel([10, 50, 30], 10), ORDER)).toEqual([50, 30, 10]);
    expect(selectedInOrder(EMPTY_SELECTION, ORDER)).toEqual([]);
  });
});
