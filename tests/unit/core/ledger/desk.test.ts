/**
 * A desk's identity (issue 11): readable (user@host and a short id), kept per data folder so the
 * same desk after a restart takes its own rows back, and two data folders are two desks.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DESK_FILE, deskIdentity, deskLabel, parseDeskFile } from '../../../../src/main/core/ledger/desk';
import {
  deskSettings,
  progressingIds,
  fencedTransition,
  leaseAfter,
  takeoverNote,
} from '../../../../src/main/core/ledger/leases';

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'aw-desk-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('desk names', () => {
  it.each([
    ['anna', 'news-1.example.org', 'a1b2c3', 'anna@news-1 (a1b2c3)'],
    ['Anna Maria', 'MacBook Pro (2)', 'ffffff', 'Anna-Maria@MacBook-Pro-2- (ffffff)'],
    ['', '', '000000', 'someone@desk (000000)'],
  ])('%s on %s -> %s', (user, host, id, label) => expect(deskLabel(user, host, id)).toBe(label));

  it.each([
    ['{"desk":"anna@news-1 (a1b2c3)"}', 'anna@news-1 (a1b2c3)'],
    ['{"desk":"  "}', null],
    ['{"desk":3}', null],
    ['not json', null],
  ])('desk.json %s -> %s', (text, desk) => expect(parseDeskFile(text)).toBe(desk));
});

describe('a data folder keeps its desk', () => {
  it('is made once and read back; another data folder is another desk', () => {
    const a = tmp();
    const first = deskIdentity(a);
    expect(first).toMatch(/^.+@.+ \([0-9a-f]{6}\)$/);
    expect(deskIdentity(a)).toBe(first);
    expect(parseDeskFile(readFileSync(join(a, DESK_FILE), 'utf8'))).toBe(first);
    expect(deskIdentity(tmp())).not.toBe(first);
  });

  it('a damaged desk.json gets a new name instead of stopping the desk', () => {
    const a = tmp();
    writeFileSync(join(a, DESK_FILE), '{');
    expect(deskIdentity(a)).toMatch(/\([0-9a-f]{6}\)$/);
  });
});

describe('lease rules', () => {
  it('a lease only in the states a desk works in', () => {
    expect(leaseAfter('creating', 1_000, 60_000)).toBe(61_000);
    expect(leaseAfter('uploading', 1_000, 60_000)).toBe(61_000);
    expect(leaseAfter('finalizing', 1_000, 60_000)).toBe(61_000);
    expect(leaseAfter('processing', 1_000, 60_000)).toBeNull();
    expect(leaseAfter('queued', 1_000, 60_000)).toBeNull();
  });

  it('only a move to failed passes the fence (it pays nothing)', () => {
    expect(fencedTransition('failed')).toBe(false);
    for (const to of [
      'creating',
      'uploading',
      'finalizing',
      'processing',
      'queued',
      'blocked',
      'done',
    ] as const)
      expect(fencedTransition(to)).toBe(true);
  });

  it('a takeover note names the desk it came from, none for its own rows', () => {
    expect(takeoverNote('ben@news-2 (b)', 'anna@news-1 (a)')).toContain('taken over from ben@news-2 (b)');
    expect(takeoverNote('anna@news-1 (a)', 'anna@news-1 (a)')).toBeNull();
    expect(takeoverNote(null, 'anna@news-1 (a)')).toBeNull();
  });

  it('renews three times per lease by default', () => {
    expect(deskSettings({ leaseMs: 30_000 })).toEqual({
      desk: 'this desk',
      leaseMs: 30_000,
      renewEveryMs: 10_000,
    });
    expect(deskSettings({ desk: 'x', renewEveryMs: 0 })).toMatchObject({ desk: 'x', renewEveryMs: 0 });
  });
});

describe('progressingIds: the leases a desk renews', () => {
  it.each([
    { what: 'work that moved just now', last: 9_999, renewed: true },
    { what: 'work that moved within the lease', last: 1_000, renewed: true },
    { what: 'work silent for a whole lease (wedged)', last: -50_000, renewed: false },
    { what: 'work silent for exactly a lease', last: 10_000 - 60_000, renewed: false },
  ])('$what: renewed $renewed', ({ last, renewed }) => {
    expect(progressingIds([{ id: 7, lastProgressAt: last }], 10_000, 60_000)).toEqual(renewed ? [7] : []);
  });
});
