/**
 * Pure decisions about a watched folder's health: which watcher errors mean "fall back to
 * polling", what to tell the user about them, when a folder counts as unavailable, which
 * filesystems are network shares, and the retry backoff.
 */

/** Watcher errors that mean the OS ran out of watches or file descriptors: poll instead. */
export function isWatchLimitError(code: string | undefined): code is 'EMFILE' | 'ENOSPC' | 'ENFILE' {
  return code === 'EMFILE' || code === 'ENOSPC' || code === 'ENFILE';
}

function seconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

/** Why the folder is now polled, and how to get native watching back, for a watch-limit error. */
export function watchLimitMessage(code: string, platform: NodeJS.Platform, pollIntervalMs: number): string {
  const polling = `Switched to checking every ${seconds(pollIntervalMs)} (polling), which is slower and reads the disk more.`;
  if (code === 'ENOSPC' && platform === 'linux') {
    return (
      `The system limit on watched folders was reached (ENOSPC: inotify watches). ${polling} ` +
      'To watch natively, raise the limit: sudo sysctl fs.inotify.max_user_watches=524288 ' +
      '(add fs.inotify.max_user_watches=524288 to /etc/sysctl.d/99-authenta.conf to keep it), then restart Authenta Watch.'
    );
  }
  const raise =
    platform === 'darwin'
      ? 'sudo launchctl limit maxfiles 65536 200000'
      : platform === 'win32'
        ? 'close other programs that watch many files'
        : 'ulimit -n 65536 in the shell that starts it (or LimitNOFILE=65536 in its systemd unit); for inotify also sudo sysctl fs.inotify.max_user_instances=1024';
  return `Too many open files (${code}). ${polling} To watch natively, raise the limit (${raise}), then restart Authenta Watch.`;
}

/** Message for a user-chosen polling folder. */
export function pollingChosenMessage(pollIntervalMs: number): string {
  return `Checking every ${seconds(pollIntervalMs)} (polling), as set for this folder.`;
}

/** Message for a folder polled because it is on a network share where native events miss changes. */
export function networkShareMessage(fsName: string, pollIntervalMs: number): string {
  return (
    `This folder is on a network share (${fsName}), where changes made by other computers raise no events; ` +
    `checking every ${seconds(pollIntervalMs)} (polling) instead.`
  );
}

/** Why a folder cannot be watched right now, and that it resumes by itself. */
export function unavailableMessage(path: string, code: string | undefined): string {
  const resumes = 'Watching resumes by itself when it is back.';
  switch (code) {
    case 'ENOENT':
      return `The folder ${path} is not there: it was deleted or renamed, or its drive or network share is disconnected. ${resumes}`;
    case 'ENOTDIR':
      return `${path} is not a folder. Choose a folder in Settings. ${resumes}`;
    case 'EACCES':
    case 'EPERM':
      return `The folder ${path} cannot be read: permission denied. Give the account running Authenta Watch read access. ${resumes}`;
    case 'EIO':
    case 'ESTALE':
    case 'EHOSTDOWN':
    case 'EHOSTUNREACH':
    case 'ETIMEDOUT':
    case 'ENOTCONN':
      return `The drive or network share holding ${path} is not responding (${code}). Check the connection. ${resumes}`;
    default:
      return `The folder ${path} cannot be opened (${code ?? 'unknown error'}). ${resumes}`;
  }
}

/** The next retry delay: doubles from `baseMs` up to `maxMs`. */
export function nextRetryDelay(previousMs: number | null, baseMs: number, maxMs: number): number {
  if (previousMs === null) return Math.min(baseMs, maxMs);
  return Math.min(maxMs, Math.max(baseMs, previousMs * 2));
}

/** Linux statfs magic numbers of network filesystems, where inotify misses remote changes. */
const NETWORK_FS: ReadonlyMap<number, string> = new Map([
  [0x6969, 'NFS'],
  [0x517b, 'SMB'],
  [0xff534d42, 'CIFS'],
  [0xfe534d42, 'SMB2'],
  [0x01021997, '9P (WSL or VM share)'],
  [0x00c36400, 'Ceph'],
  [0x5346414f, 'AFS'],
  [0x73757245, 'Coda'],
]);

/** The name of a network filesystem from its statfs type (Linux only), or null. */
export function networkFsName(type: number, platform: NodeJS.Platform): string | null {
  if (platform !== 'linux') return null;
  return NETWORK_FS.get(type >>> 0) ?? null;
}
