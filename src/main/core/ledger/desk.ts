/**
 * A desk's identity (issue 11): the name a ledger row carries for the engine that handles it,
 * shown to people in details and reports. It is stable per data folder (kept in `desk.json`
 * there): the same desk after a restart or a crash takes its own rows back at once, while two
 * engines on one machine (two data folders) are two desks. Readable: `user@host` plus a short
 * id that tells two data folders of one user apart.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';

/** The file in the data folder that keeps the desk's identity. */
export const DESK_FILE = 'desk.json';

/** The name people see for a desk: `user@host (id)`. Pure. */
export function deskLabel(user: string, host: string, id: string): string {
  const clean = (s: string, fallback: string): string => s.replace(/[\s()]+/g, '-').slice(0, 40) || fallback;
  return `${clean(user, 'someone')}@${clean(host.split('.')[0] ?? '', 'desk')} (${id})`;
}

/** What desk.json holds; null when it is missing or unreadable. Pure. */
export function parseDeskFile(text: string): string | null {
  try {
    const v = JSON.parse(text) as { desk?: unknown };
    return typeof v.desk === 'string' && v.desk.trim() !== '' ? v.desk : null;
  } catch {
    return null;
  }
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'someone';
  }
}

/**
 * This data folder's desk name: read from desk.json, or made (user@host and a random id) and
 * written there the first time. A folder that cannot be written still gets a name (for this run).
 */
export function deskIdentity(dataDir: string): string {
  const file = join(dataDir, DESK_FILE);
  try {
    const kept = parseDeskFile(readFileSync(file, 'utf8'));
    if (kept) return kept;
  } catch {
    // not there yet
  }
  const desk = deskLabel(currentUser(), hostname(), randomBytes(3).toString('hex'));
  try {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${JSON.stringify({ desk }, null, 2)}\n`);
  } catch {
    // a read-only data folder fails elsewhere with its own message
  }
  return desk;
}
