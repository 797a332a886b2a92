/**
 * The folder registry: the watched folders of the settings, one FolderWatcher each, their health,
 * and the known-file set (file versions the ledger already has, which a watcher does not report
 * again). Adding, changing, pausing and removing a folder happen here; what a watcher finds goes
 * to the intake.
 */
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { z } from 'zod';
import type { AddFolderSchema } from '../../../shared/contract';
import { FolderOptionsSchema, type FolderHealth, type FolderStatus } from '../../../shared/domain';
import { FolderRecordSchema, type FolderRecord } from '../../../shared/settings';
import type { Ledger } from '../ledger/ledger';
import { folderRemovedMessage } from '../messages';
import { LOCAL_CODES } from '../pipeline/hints';
import type { Clock, Disposable, Logger } from '../ports';
import { FolderWatcher, type FileCandidate, type FolderWatcherDeps } from '../watch/folder-watcher';
import { ensureTeamMarker } from '../watch/team-marker';
import type { EngineSettings } from './engine-settings';
import type { KnownFiles } from './known-files';
import { userError } from './user-error';

export { KnownFiles } from './known-files';

/** Where the watchers' findings go (the pipeline's intake). */
export interface FolderIntake {
  seen(file: FileCandidate): void;
  stable(file: FileCandidate): void;
  gone(path: string): void;
  /** Look for work now (a folder was resumed or changed). */
  kick(): void;
}

/** What the registry needs. */
export interface FolderRegistryOptions {
  settings: EngineSettings;
  ledger: Ledger;
  known: KnownFiles;
  intake: FolderIntake;
  clock: Clock;
  logger: Logger;
  /** Extra options of every FolderWatcher (tests shorten health checks). */
  watcher?: Partial<Omit<FolderWatcherDeps, 'clock' | 'logger' | 'isKnown'>>;
  /** What the status shows changed (a folder, its health). */
  onChange(): void;
  /** A watcher finished its first scan (the idle watch looks again). */
  onWatcherStarted(): void;
}

interface WatchedFolder {
  watcher: FolderWatcher;
  health: FolderHealth;
  started: boolean;
}

/** A folder's team identity on a team ledger, as the status shows it. */
export interface FolderTeam {
  /** The team folder id files are keyed by (the marker's, or `path:` and the real path as a fallback). */
  id: string;
  name: string;
  /** Why the marker could not be used and what to do; null when it was. */
  message: string | null;
}

/** The options a watcher is built with: changing one of these starts it again. */
const WATCH_KEYS = ['recursive', 'stabilityMs', 'usePolling', 'pollIntervalMs', 'ignore'] as const;

/** See the module comment. `startAll()` after the pipeline runs; `dispose()` at the end. */
export class FolderRegistry implements Disposable {
  private readonly watchers = new Map<string, WatchedFolder>();
  /** Team identities of the folders (team ledger only), by folder id. */
  private readonly teams = new Map<string, FolderTeam>();
  private disposed = false;

  constructor(private readonly options: FolderRegistryOptions) {}

  private get folders(): FolderRecord[] {
    return this.options.settings.current.folders;
  }

  /** Every watched folder with its health, in the settings' order. */
  statuses(): FolderStatus[] {
    return this.folders.map((f) => this.status(f));
  }

  /** A watched folder's settings; null for dropped files (no folder) and removed folders. */
  folder(id: string | null): FolderRecord | null {
    return id === null ? null : (this.folders.find((f) => f.id === id) ?? null);
  }

  /** The ids of the paused folders (their jobs wait). */
  pausedIds(): string[] {
    return this.folders.filter((f) => f.paused).map((f) => f.id);
  }

  /** The watchers of the folders that are not paused: whether each finished its first scan, and files still settling. */
  activity(): { started: boolean; waitingCount: number }[] {
    return [...this.watchers]
      .filter(([id]) => this.folders.some((f) => f.id === id && !f.paused))
      .map(([, w]) => ({ started: w.started, waitingCount: w.watcher.waitingCount }));
  }

  /** Start watching every folder of the settings. */
  startAll(): void {
    for (const folder of this.folders) this.start(folder);
  }

  /** Watch every folder afresh: new watchers report every file not yet in the ledger again. */
  async restartAll(): Promise<void> {
    for (const folder of this.folders) await this.restart(folder);
  }

  /** Walk every watched folder again (after a sleep, file events may have been lost). */
  async rescan(): Promise<void> {
    // A folder keyed by its path because its marker could not be used: look for the marker again.
    for (const [id, team] of [...this.teams]) {
      const folder = this.folder(id);
      if (!team.message || !folder) continue;
      this.teams.delete(id);
      await this.identify(folder).catch(() => undefined);
    }
    await Promise.allSettled([...this.watchers.values()].map((w) => w.watcher.rescan()));
    this.options.intake.kick();
  }

  async pause(id: string): Promise<void> {
    const folder = this.require(id);
    if (folder.paused) return;
    folder.paused = true;
    await this.options.settings.save();
    await this.watchers.get(id)?.watcher.pause();
    this.options.onChange();
  }

  async resume(id: string): Promise<void> {
    const folder = this.require(id);
    if (!folder.paused) return;
    folder.paused = false;
    await this.options.settings.save();
    await this.watchers.get(id)?.watcher.resume();
    this.options.intake.kick();
    this.options.onChange();
  }

  /** Watch a folder: it must exist, be a folder, and not be watched already (each says what to do). */
  async add(input: z.input<typeof AddFolderSchema>): Promise<FolderStatus> {
    const path = resolve(input.path);
    let isDir = false;
    try {
      isDir = (await stat(path)).isDirectory();
    } catch (e) {
      const code = (e as { code?: string }).code;
      throw userError(
        code === 'ENOENT'
          ? `${path} does not exist. Check the path, or connect the drive or share first.`
          : `${path} cannot be opened (${code ?? 'error'}). Check that this account may read it.`,
        'FOLDER_UNAVAILABLE',
      );
    }
    if (!isDir)
      throw userError(
        `${path} is a file, not a folder. Choose the folder that receives the files.`,
        'NOT_A_FOLDER',
      );
    if (this.folders.some((f) => resolve(f.path) === path)) {
      throw userError(`${path} is already watched.`, 'ALREADY_WATCHED');
    }
    const options = FolderOptionsSchema.parse(input.options ?? {});
    const record = FolderRecordSchema.parse({
      ...options,
      id: `f-${randomUUID().slice(0, 8)}`,
      path,
      paused: false,
    });
    this.folders.push(record);
    await this.options.settings.save();
    this.start(record);
    this.options.onChange();
    return this.status(record);
  }

  /** Change a folder's options; its watcher starts again only when how it watches changed. */
  async update(id: string, options: Partial<z.input<typeof FolderOptionsSchema>>): Promise<FolderStatus> {
    const current = this.require(id);
    const next = FolderRecordSchema.parse({
      ...current,
      ...options,
      id: current.id,
      path: current.path,
      paused: current.paused,
    });
    const folders = this.folders;
    folders[folders.indexOf(current)] = next;
    await this.options.settings.save();
    if (WATCH_KEYS.some((k) => JSON.stringify(current[k]) !== JSON.stringify(next[k])))
      await this.restart(next);
    this.options.intake.kick();
    this.options.onChange();
    return this.status(next);
  }

  /** Stop watching a folder; its files not yet sent are not sent (the folder is no longer wanted). */
  async remove(id: string): Promise<void> {
    const folder = this.require(id);
    const settings = this.options.settings.current;
    settings.folders = settings.folders.filter((f) => f.id !== id);
    await this.options.settings.save();
    const w = this.watchers.get(id);
    this.watchers.delete(id);
    await w?.watcher.dispose();
    if (this.teams.delete(id)) await this.mountTeams();
    const ledger = this.options.ledger;
    for (const row of await ledger.listByStates(['waiting', 'queued'])) {
      if (row.folderId !== id) continue;
      await ledger.transition(row.id, row.state, 'skipped', {
        errorCode: LOCAL_CODES.folderRemoved,
        errorKind: 'local',
        errorMessage: folderRemovedMessage(row.name, folder.path),
      });
    }
    this.options.onChange();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await Promise.allSettled([...this.watchers.values()].map((w) => w.watcher.dispose()));
    this.watchers.clear();
  }

  /** The team identity of a folder (team ledger), or null (a lone desk's ledger, or not known yet). */
  team(id: string): FolderTeam | null {
    return this.teams.get(id) ?? null;
  }

  /**
   * On a team ledger: read the folder's marker, writing it first when there is none (see
   * team-marker.ts), and key its files by it from now on. A marker that cannot be written (a
   * read-only share) or read: the folder is keyed by its real path, and the log and the status
   * say what that means. A folder that is not there yet is identified when it is.
   */
  private async identify(folder: FolderRecord): Promise<void> {
    if (!this.options.ledger.teamLedger || this.teams.has(folder.id)) return;
    const found = await ensureTeamMarker(resolve(folder.path));
    if (this.disposed || !this.folders.some((f) => f.id === folder.id)) return;
    if (!found.ok) {
      this.options.logger.warn('team folder marker', { folder: folder.path, message: found.message });
      if (found.missing) return;
    } else {
      this.options.logger.info(found.source === 'written' ? 'team folder marker written' : 'team folder', {
        folder: folder.path,
        team: found.marker.id,
      });
    }
    this.teams.set(folder.id, {
      id: found.marker.id,
      name: found.marker.name,
      message: found.ok ? null : found.message,
    });
    await this.mountTeams();
    this.options.onChange();
  }

  /** Tell the ledger this desk's team folders; file versions other desks took become known here. */
  private async mountTeams(): Promise<void> {
    const mounts = [...this.teams].flatMap(([folderId, team]) => {
      const f = this.folders.find((x) => x.id === folderId);
      return f ? [{ teamFolderId: team.id, folderId, root: resolve(f.path) }] : [];
    });
    await this.options.ledger.mountTeamFolders(mounts);
    this.options.known.load(await this.options.ledger.knownFileKeys());
  }

  private require(id: string): FolderRecord {
    const f = this.folders.find((x) => x.id === id);
    if (!f) throw userError(`There is no watched folder ${id}.`, 'NOT_FOUND');
    return f;
  }

  private status(f: FolderRecord): FolderStatus {
    const w = this.watchers.get(f.id);
    const health: FolderHealth = f.paused
      ? { state: 'paused', message: null, lastEventAt: w?.health.lastEventAt ?? null }
      : (w?.health ?? { state: 'starting', message: null, lastEventAt: null });
    return { ...f, health };
  }

  private start(folder: FolderRecord): void {
    if (this.disposed) return;
    const { intake, known } = this.options;
    const entry: WatchedFolder = {
      watcher: null as unknown as FolderWatcher,
      health: { state: folder.paused ? 'paused' : 'starting', message: null, lastEventAt: null },
      started: false,
    };
    entry.watcher = new FolderWatcher(
      folder,
      {
        onSeen: (c) => intake.seen(c),
        onStable: (c) => intake.stable(c),
        onGone: (p) => intake.gone(p),
        onHealth: (h) => {
          entry.health = h;
          // A share that was not mounted at start: its team identity is read once it is there.
          if (h.state === 'watching' && this.options.ledger.teamLedger && !this.teams.has(folder.id))
            void this.identify(folder).catch((e: unknown) =>
              this.options.logger.error('team folder marker', { folder: folder.path, message: String(e) }),
            );
          this.options.onChange();
        },
      },
      {
        ...this.options.watcher,
        clock: this.options.clock,
        logger: this.options.logger,
        isKnown: (path, size, mtimeMs) => known.has(path, size, mtimeMs),
      },
    );
    this.watchers.set(folder.id, entry);
    // On a team ledger the folder's team identity comes first: its files are keyed by it.
    void this.identify(folder)
      .then(() => (this.watchers.get(folder.id) === entry ? entry.watcher.start() : undefined))
      .catch((e: unknown) =>
        this.options.logger.error('watching failed', { folder: folder.path, message: String(e) }),
      )
      .finally(() => {
        entry.started = true;
        this.options.onWatcherStarted();
      });
  }

  private async restart(folder: FolderRecord): Promise<void> {
    const old = this.watchers.get(folder.id);
    this.watchers.delete(folder.id);
    await old?.watcher.dispose();
    this.start(folder);
  }
}
