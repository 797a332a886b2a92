/**
 * The parts that exist once the engine has started, and how they are wired to each other (the
 * engine's start builds them here, then starts them in order). Construction only: nothing here
 * reads a file or calls the network.
 */
import { join } from 'node:path';
import type { EngineOptions } from './engine-options';
import type { Ledger } from './ledger/ledger';
import type { JobStore } from './ledger/job-store';
import { WatchedFolderGate } from './ledger/confined-path';
import { MediaFiles } from './media/media-files';
import { ThumbnailService } from './media/thumbnails';
import type { BlockBoard } from './pipeline/blocks';
import { Pipeline } from './pipeline/pipeline';
import { DEFAULT_POLL_TUNING } from './pipeline/poll-schedule';
import type { Clock, Logger } from './ports';
import type { EngineSettings } from './services/engine-settings';
import type { EventHub } from './services/event-hub';
import { FolderRegistry } from './services/folder-registry';
import { JobViews } from './services/job-views';
import type { KnownFiles } from './services/known-files';
import type { ProfileService } from './services/profile-service';
import { TeamBlocks } from './services/team-blocks';
import { ProvenanceService } from './provenance/provenance-service';

/** The parts that exist once the engine has started. */
export interface Parts {
  ledger: Ledger;
  thumbs: ThumbnailService;
  media: MediaFiles;
  pipeline: Pipeline;
  folders: FolderRegistry;
  jobs: JobViews;
  provenance: ProvenanceService;
  /** Which files of ledger rows this desk may touch (confined-path.ts). */
  files: WatchedFolderGate;
}

/** What the engine's long-lived services give the parts. */
export interface PartsContext {
  options: Pick<EngineOptions, 'dataDir' | 'watcher' | 'hashConcurrency' | 'random' | 'pollTuning'>;
  clock: Clock;
  logger: Logger;
  settings: EngineSettings;
  known: KnownFiles;
  board: BlockBoard;
  profiles: ProfileService;
  events: EventHub;
  /** No new call may start: the user's pause, the system's sleep, the engine's end, a full disk. */
  holding: () => boolean;
  /** A folder's watcher started (the CLI's `--once` looks again whether all is idle). */
  onWatcherStarted: () => void;
}

/** Build the started engine's parts on its ledger. */
export function buildParts(ledger: JobStore, ctx: PartsContext): Parts {
  const { clock, logger, settings } = ctx;
  // Declared before the pipeline it yields to: thumbnails wait while files are read.
  let pipeline: Pipeline | null = null;
  const thumbs = new ThumbnailService({
    dir: join(ctx.options.dataDir, 'thumbs'),
    maxBytes: () => settings.current.preferences.thumbnailCacheBytes,
    logger,
    clock,
    pipelineBusy: () => pipeline?.readingFiles ?? false,
  });
  // Rows of a team ledger are written by other desks too: their paths are checked before use.
  const files = new WatchedFolderGate({
    shared: ledger.teamLedger,
    roots: () => settings.current.folders.map((f) => f.path),
  });
  const media = new MediaFiles({ job: (id) => ledger.get(id), thumbs, logger, files });
  // The stages' views (each stage gets only its part; see PipelineDeps). The folder registry is
  // built next: the pipeline reads a folder's settings through it at each decision.
  let folders: FolderRegistry | null = null;
  const registry = (): FolderRegistry => {
    if (!folders) throw new Error('The engine has not been started.');
    return folders;
  };
  pipeline = new Pipeline(
    {
      ledger,
      changes: ledger,
      clock,
      logger,
      random: ctx.options.random ?? Math.random,
      blocks: ctx.board,
      tuning: { ...DEFAULT_POLL_TUNING, ...ctx.options.pollTuning },
      profile: ctx.profiles.view,
      settings: {
        folder: (id) => registry().folder(id),
        preferences: () => settings.current.preferences,
        paused: ctx.holding,
        pausedFolderIds: () => registry().pausedIds(),
      },
      progress: { report: (id, sent, size, phase) => ctx.events.progress(id, sent, size, phase) },
      files,
    },
    { hashConcurrency: ctx.options.hashConcurrency },
  );
  folders = new FolderRegistry({
    settings,
    ledger,
    known: ctx.known,
    intake: pipeline,
    clock,
    logger,
    watcher: ctx.options.watcher,
    onChange: () => ctx.events.statusChanged(),
    onWatcherStarted: ctx.onWatcherStarted,
  });
  const provenance = new ProvenanceService({ job: (id) => ledger.get(id), files, clock, logger });
  const jobs = new JobViews({
    provenanceFor: (list) => provenance.forReport(list),
    ledger,
    thumbs,
    board: ctx.board,
    clock,
    profiles: ctx.profiles,
    events: ctx.events,
  });
  return { ledger, thumbs, media, pipeline, folders, jobs, provenance, files };
}

/**
 * On a team ledger the account's blocks are the team's (team-blocks.ts): shared with the other
 * desks, those in force hold this desk too. Null on one desk's own ledger.
 */
export function teamBlocksFor(ledger: JobStore, ctx: PartsContext): TeamBlocks | null {
  const store = ledger.sharedBlocks;
  if (!store) return null;
  return new TeamBlocks({
    store,
    board: ctx.board,
    clock: ctx.clock,
    logger: ctx.logger,
    desk: ledger.desk,
    scope: () => {
      const active = ctx.profiles.active;
      return active && !active.simulated ? active.profile.baseUrl : null;
    },
    probeLeaseMs: ledger.leasing.leaseMs,
  });
}
