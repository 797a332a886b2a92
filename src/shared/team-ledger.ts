/**
 * The team ledger as the UI sees it (issue 11): where the desk's ledger is, whether a password is
 * kept for it, and whether the server answers. The password itself never crosses to the UI: it
 * goes in once (test, save) and is kept in the OS keychain; the UI sees `hasPassword` only.
 */
import { z } from 'zod';

/**
 * Where this desk's ledger stands:
 * - `local`: the embedded ledger on this computer (no team ledger in use);
 * - `connecting`: the team ledger is being opened;
 * - `connected`: the team ledger answers;
 * - `away`: its server cannot be reached; the desk waits and catches up when it is back;
 * - `failed`: it refused this desk (password, newer schema, ...): `message` says what to do.
 */
export const TEAM_LEDGER_CONNECTIONS = ['local', 'connecting', 'connected', 'away', 'failed'] as const;
export type TeamLedgerConnection = (typeof TEAM_LEDGER_CONNECTIONS)[number];

/** The team ledger setting and its connection, without any password. */
export interface TeamLedgerState {
  /** The saved team ledger URL (never with a password); null: this desk keeps its local ledger. */
  url: string | null;
  /** This desk's name as the team sees it ('' when none was given: the computer's name is used). */
  desk: string;
  /** Whether the keychain holds a password for the saved URL. */
  hasPassword: boolean;
  /** The team ledger this run uses (URL without password), or null for the local ledger. */
  inUse: string | null;
  connection: TeamLedgerConnection;
  /** For `away` and `failed`: what happened and what to do, in words (no password). */
  message: string | null;
  /** The saved setting differs from the ledger in use: it applies when the app starts again. */
  restartNeeded: boolean;
}

/** A URL and password typed in the Settings screen (the password is written to the keychain only). */
export const TeamLedgerTestInputSchema = z.object({
  url: z.string().trim().min(1).max(2000),
  /** Absent or empty: the password kept in the keychain for this URL, if any. */
  password: z.string().max(1000).optional(),
});
export type TeamLedgerTestInput = z.input<typeof TeamLedgerTestInputSchema>;

export const TeamLedgerInputSchema = TeamLedgerTestInputSchema.extend({
  /** This desk's name as the team sees it (empty: the computer's name). */
  desk: z.string().trim().max(60).default(''),
});
export type TeamLedgerInput = z.input<typeof TeamLedgerInputSchema>;

/** Why a connection test failed (LedgerProblemKind, plus the keychain). */
export type TeamLedgerProblem =
  'bad-url' | 'auth' | 'no-database' | 'permission' | 'unreachable' | 'newer-schema' | 'failed' | 'keychain';

/** The outcome of Test connection (or of Save, which tests first), for people. */
export interface TeamLedgerTest {
  ok: boolean;
  /** Null when ok. */
  problem: TeamLedgerProblem | null;
  message: string;
}

/** What Save answers: the test it ran and, when saved, the new state. */
export interface TeamLedgerSaved {
  saved: boolean;
  test: TeamLedgerTest;
  state: TeamLedgerState;
}
