/** A check of the embedded ledger's file before it is used (the CLI's start and its tests). */
import Database from 'better-sqlite3';

/**
 * Whether an existing ledger file holds together: null when SQLite's quick check passes, else
 * what SQLite said. Opens it read-only and changes nothing.
 */
export function ledgerFileDamage(file: string, nativeBinding?: string): string | null {
  let db: Database.Database | null = null;
  try {
    db = new Database(file, {
      readonly: true,
      fileMustExist: true,
      ...(nativeBinding ? { nativeBinding } : {}),
    });
    const rows = db.pragma('quick_check') as { quick_check: string }[];
    const problems = rows.map((r) => r.quick_check).filter((r) => r !== 'ok');
    return problems.length ? problems.slice(0, 3).join('; ') : null;
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) return (e as Error).message;
    throw e;
  } finally {
    db?.close();
  }
}
