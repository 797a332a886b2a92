/** Watching folders and classifying files: the engine's intake (issue 3). */
export { applyAfterAction, numberedName, sidecarName } from './after-verdict';
export {
  DEFAULT_SUPPORTED_TYPES,
  FILE_PROBLEM_CODES,
  FileProblemError,
  describeContentType,
  describeSupported,
  formatBytes,
  hashFile,
  isKindWanted,
  problemFromError,
  sniffFile,
  statFile,
  type FileProblemCode,
  type SniffOptions,
  type SniffResult,
} from './classify';
export { ONE_PASS_READ_BYTES, readOnce, type OnePassOptions, type OnePassResult } from './one-pass';
export { expandPaths, type RejectedPath } from './expand-paths';
export {
  FolderWatcher,
  type FileCandidate,
  type FolderWatcherDeps,
  type FolderWatcherEvents,
  type WatchFactory,
} from './folder-watcher';
export { SIDECAR_SUFFIX, VERDICT_FOLDERS, createIgnoreMatcher, isJunkName, isJunkPath } from './junk';
export { stabilise } from './stabilise';
export { nextSweepAt, stabilityStep, type WaitingFile } from './stability';
export { walkFolder, type WalkOptions, type WalkedFile } from './walk';
export { isWatchLimitError, networkFsName, unavailableMessage, watchLimitMessage } from './watch-health';
export { checkIsoMedia, checkJpeg, checkPng, structureCheckFor, type StructureVerdict } from './structure';
