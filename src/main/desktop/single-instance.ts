/**
 * One app at a time: a second launch (a file opened with the app, a shortcut clicked again)
 * hands its paths to the first instance and quits. The paths travel both as the lock's
 * additional data (already resolved by the second instance) and in its argv.
 */
import { isAbsolute, resolve } from 'node:path';
import { PathListSchema } from '../../shared/contract';

/**
 * The file or folder paths on a command line: everything after the executable (and, when run as
 * `electron .`, after the app folder) that is not a switch, resolved against `cwd`.
 */
export function pathsFromArgv(argv: readonly string[], cwd: string, defaultApp: boolean): string[] {
  return argv
    .slice(defaultApp ? 2 : 1)
    .filter((arg) => arg.length > 0 && !arg.startsWith('-') && !/^[a-z][a-z0-9+.-]*:\/\//i.test(arg))
    .map((arg) => (isAbsolute(arg) ? arg : resolve(cwd, arg)));
}

/** The additional data a second instance sends with its lock request. */
export interface HandoverData {
  paths: string[];
}

/**
 * The paths a second instance handed over: its own resolved list when it is well formed, else
 * its argv (resolved against its working directory). Another process sent them: validated.
 */
export function handedOverPaths(
  additionalData: unknown,
  argv: readonly string[],
  workingDirectory: string,
  defaultApp: boolean,
): string[] {
  const fromData = PathListSchema.safeParse((additionalData as Partial<HandoverData> | null)?.paths);
  if (fromData.success) return fromData.data.filter((p) => isAbsolute(p));
  const fromArgv = pathsFromArgv(argv, workingDirectory, defaultApp);
  return PathListSchema.safeParse(fromArgv).success ? fromArgv : [];
}
