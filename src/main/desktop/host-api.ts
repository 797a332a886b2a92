/**
 * The contract as the desktop serves it: the engine's API with the few commands only a desktop
 * can do (native folder picker, reveal in the file manager, open a link in the browser) and the
 * host's own `openJob` event (a notification was clicked) merged into the engine's.
 */
import { access } from 'node:fs/promises';
import type { AuthentaWatchApi, CommandName, HostCapabilities, JobId } from '../../shared/contract';
import { callCommand, commandsOver, eventsOver, subscribeTo } from '../../shared/contract-bridge';
import { COMMAND_NAMES, EVENT_LIST } from '../ipc-channels';
import { MEDIA_BASE } from './media-protocol';
import { isSafeExternalUrl } from './security';

/** What the desktop host can do in Electron. */
export const ELECTRON_CAPABILITIES: HostCapabilities = {
  host: 'electron',
  nativeFolderPicker: true,
  revealInFolder: true,
  dropUploads: false,
  nativeFilePicker: true,
  pdf: true,
};

/** The native abilities the desktop adds (dialog, shell), handed in so tests can fake them. */
export interface NativeHost {
  /** The folder the user chose, or null when cancelled. */
  pickFolder(): Promise<string | null>;
  /** The files the user chose; empty when cancelled. */
  pickFiles(): Promise<string[]>;
  /** Print the window to a PDF the user places; its path, or null when cancelled. */
  savePdf(title: string): Promise<string | null>;
  showItemInFolder(path: string): void;
  openExternal(url: string): Promise<void>;
}

/** An error with a code, as the UI shows it. */
export class HostError extends Error {
  override readonly name = 'HostError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** The desktop's API, plus the host's way to ask the UI to show a job. */
export interface DesktopApi extends AuthentaWatchApi {
  /** Tells every window to show this job (a notification was clicked). */
  emitOpenJob(id: JobId): void;
}

/** Wraps the engine: desktop-only commands answered here, everything else passed through. */
export function createDesktopApi(engine: AuthentaWatchApi, native: NativeHost): DesktopApi {
  const passThrough = commandsOver(COMMAND_NAMES, (name, args) => callCommand(engine, name, args));
  const openJobListeners = new Set<(id: JobId) => void>();

  return {
    ...passThrough,
    ...eventsOver(EVENT_LIST, (name, listener) => subscribeTo(engine, name, listener)),
    getCapabilities: () => Promise.resolve({ ...ELECTRON_CAPABILITIES }),
    pickFolder: () => native.pickFolder(),
    pickFiles: () => native.pickFiles(),
    savePdf: (title) => native.savePdf(title),
    getMediaBase: () => Promise.resolve(MEDIA_BASE),
    async revealJob(id) {
      const { job } = await engine.getJob(id);
      try {
        await access(job.path);
      } catch {
        throw new HostError(
          `${job.path} is no longer there: it was moved or deleted after it was checked.`,
          'FILE_GONE',
        );
      }
      native.showItemInFolder(job.path);
    },
    async openLink(link) {
      const url = await engine.openLink(link);
      if (!isSafeExternalUrl(url)) {
        throw new HostError('This link is not an https address, so it was not opened.', 'UNSAFE_LINK');
      }
      if (link.open !== false) await native.openExternal(url);
      return url;
    },
    onOpenJob(listener) {
      const unsubscribe = engine.onOpenJob(listener);
      openJobListeners.add(listener);
      return () => {
        unsubscribe();
        openJobListeners.delete(listener);
      };
    },
    emitOpenJob(id) {
      for (const listener of [...openJobListeners]) listener(id);
    },
  };
}

/**
 * The commands that answer while the engine still waits for its team ledger's server: what the
 * window needs to show itself and the Settings screen's team ledger section (so a desk can fix
 * the setting, or leave the team, while the server is away). Native pickers need no engine.
 */
export const ANSWERED_BEFORE_START: ReadonlySet<CommandName> = new Set<CommandName>([
  'getCapabilities',
  'getMediaBase',
  'pickFolder',
  'pickFiles',
  'getTeamLedger',
  'testTeamLedger',
  'saveTeamLedger',
  'leaveTeamLedger',
]);

/**
 * `api` whose other commands wait until the engine has started (`started` settles), then answer
 * as ever; when the start fails, they fail with its reason. Events pass at once.
 */
export function answerAfterStart(api: DesktopApi, started: Promise<void>): DesktopApi {
  const gated = commandsOver(COMMAND_NAMES, async (name, args) => {
    if (!ANSWERED_BEFORE_START.has(name)) await started;
    return callCommand(api, name, args);
  });
  // Only the commands are wrapped: the event subscriptions and emitOpenJob stay the api's own.
  return Object.assign(Object.create(null) as object, api, gated) as DesktopApi;
}
