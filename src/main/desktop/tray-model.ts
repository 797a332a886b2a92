/**
 * What the tray shows, as pure functions of the engine's status (table-tested): the icon state,
 * the tooltip, and the menu. The menu carries everything, because on Linux a click on the tray
 * icon itself may never arrive (AppIndicator); `TrayController` only applies these.
 */
import {
  MOVING_STATES,
  type EngineStatus,
  type FolderHealthState,
  type FolderStatus,
  type JobState,
} from '../../shared/domain';

export const TRAY_ICON_STATES = ['idle', 'working', 'attention'] as const;
export type TrayIconState = (typeof TRAY_ICON_STATES)[number];

/** Attention when something waits for the user (a block, an unreachable folder); working while jobs move. */
export function trayIconState(status: EngineStatus | null): TrayIconState {
  if (!status) return 'idle';
  if (status.blocks.length > 0 || status.folders.some((f) => f.health.state === 'unavailable'))
    return 'attention';
  if (!status.paused && MOVING_STATES.some((s) => status.counts[s] > 0)) return 'working';
  return 'idle';
}

/**
 * The icon's file name: black-and-alpha template images on macOS (the menu bar tints them),
 * 16 px with an @2x sibling on Windows, 32 px on Linux (panels scale it down).
 */
export function trayIconFile(state: TrayIconState, platform: NodeJS.Platform): string {
  if (platform === 'darwin') return `tray-${state}Template.png`;
  if (platform === 'win32') return `tray-${state}.png`;
  return `tray-${state}@2x.png`;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "3 uploading, 12 waiting for verdicts": what the queue is doing, in words. */
export function activitySummary(counts: Record<JobState, number>): string {
  const parts: string[] = [];
  const uploading = counts.creating + counts.uploading + counts.finalizing;
  if (uploading > 0) parts.push(`${uploading} uploading`);
  if (counts.processing > 0)
    parts.push(plural(counts.processing, 'waiting for a verdict', 'waiting for verdicts'));
  const queued = counts.waiting + counts.queued;
  if (queued > 0) parts.push(`${queued} queued`);
  if (counts.blocked > 0) parts.push(`${counts.blocked} blocked`);
  return parts.length > 0 ? parts.join(', ') : 'Nothing to check';
}

/** Windows cuts tray tooltips at 127 characters. */
export const TOOLTIP_MAX = 127;

/** The tooltip: the app's name, paused or blocked first, then the activity. */
export function trayTooltip(status: EngineStatus | null): string {
  let text: string;
  if (!status) text = 'Authenta Watch: starting';
  else {
    const block = status.blocks[0];
    const head = block ? `stopped, ${block.message}` : status.paused ? 'paused' : null;
    text = `Authenta Watch: ${head ? `${head}. ` : ''}${activitySummary(status.counts)}`;
  }
  return text.length > TOOLTIP_MAX ? `${text.slice(0, TOOLTIP_MAX - 1)}…` : text;
}

/** What a menu item does; TrayController maps each to a call. */
export type TrayAction =
  | { type: 'open' }
  | { type: 'pauseAll' }
  | { type: 'resumeAll' }
  | { type: 'pauseFolder'; folderId: string }
  | { type: 'resumeFolder'; folderId: string }
  | { type: 'showFolder'; path: string }
  | { type: 'addFolder' }
  | { type: 'openLogs' }
  | { type: 'quit' };

export type TrayMenuItem =
  | { kind: 'action'; label: string; action: TrayAction }
  | { kind: 'info'; label: string }
  | { kind: 'submenu'; label: string; items: TrayMenuItem[] }
  | { kind: 'separator' };

const HEALTH_WORDS: Readonly<Record<FolderHealthState, string>> = {
  starting: 'starting',
  watching: 'watching',
  polling: 'polling',
  unavailable: 'unavailable',
  paused: 'paused',
};

/** The last part of a path, for either separator. */
export function folderName(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  const cut = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  return (cut >= 0 ? trimmed.slice(cut + 1) : trimmed) || path;
}

function folderItem(folder: FolderStatus): TrayMenuItem {
  const health = folder.paused ? 'paused' : HEALTH_WORDS[folder.health.state];
  const items: TrayMenuItem[] = [{ kind: 'info', label: folder.path }];
  if (folder.health.message) items.push({ kind: 'info', label: folder.health.message });
  items.push(
    { kind: 'separator' },
    folder.paused
      ? { kind: 'action', label: 'Resume watching', action: { type: 'resumeFolder', folderId: folder.id } }
      : { kind: 'action', label: 'Pause watching', action: { type: 'pauseFolder', folderId: folder.id } },
    { kind: 'action', label: 'Show in file manager', action: { type: 'showFolder', path: folder.path } },
  );
  return { kind: 'submenu', label: `${folderName(folder.path)} (${health})`, items };
}

/** The tray menu for a status; null while the engine starts. */
export function trayMenu(status: EngineStatus | null): TrayMenuItem[] {
  const items: TrayMenuItem[] = [{ kind: 'action', label: 'Open Authenta Watch', action: { type: 'open' } }];
  items.push({ kind: 'separator' });
  if (!status) {
    items.push({ kind: 'info', label: 'Starting…' });
  } else {
    items.push({ kind: 'info', label: activitySummary(status.counts) });
    for (const block of status.blocks) items.push({ kind: 'info', label: `Stopped: ${block.message}` });
    items.push(
      status.paused
        ? { kind: 'action', label: 'Resume all', action: { type: 'resumeAll' } }
        : { kind: 'action', label: 'Pause all', action: { type: 'pauseAll' } },
    );
    items.push({ kind: 'separator' });
    const folders: TrayMenuItem[] =
      status.folders.length > 0 ? status.folders.map(folderItem) : [{ kind: 'info', label: 'No folder yet' }];
    items.push({ kind: 'submenu', label: 'Watched folders', items: folders });
  }
  items.push(
    { kind: 'action', label: 'Add a folder…', action: { type: 'addFolder' } },
    { kind: 'separator' },
    { kind: 'action', label: 'Open the logs folder', action: { type: 'openLogs' } },
    { kind: 'separator' },
    { kind: 'action', label: 'Quit Authenta Watch', action: { type: 'quit' } },
  );
  return items;
}
