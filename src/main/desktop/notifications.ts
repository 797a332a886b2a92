/**
 * Desktop notifications (a setting, preferences.notifications): a fake or suspect verdict, a
 * queue stopped by quota, credits or credentials, a folder that became unavailable. What to say
 * is decided by pure functions of the engine's events; `Notifier` tracks what was already said.
 * Clicking a notification opens the window and, for a verdict, shows that job.
 */
import { Notification } from 'electron';
import type { AuthentaWatchApi } from '../../shared/contract';
import type { BlockKind, EngineStatus, Job, JobChange } from '../../shared/domain';
import type { Clock, Disposable } from '../core/ports';
import { folderName } from './tray-model';

/** One notification to show. `key` says what it is about, so it is shown once. */
export interface NotificationSpec {
  key: string;
  title: string;
  body: string;
  /** The job to show when clicked; null opens the window only. */
  jobId: number | null;
}

/** Blocks worth interrupting someone for: the queue will not move until they act. */
export const NOTIFIED_BLOCKS: readonly BlockKind[] = [
  'auth',
  'permission',
  'quota-query',
  'quota-mutation',
  'credits',
  'proxy',
];

const BLOCK_TITLES: Readonly<Record<BlockKind, string>> = {
  auth: 'Checking stopped: the credentials were refused',
  permission: 'Checking stopped: a permission is missing',
  'quota-query': 'Checking stopped: the API quota is used up',
  'quota-mutation': 'Checking stopped: the API quota is used up',
  credits: 'Checking stopped: out of credits',
  offline: 'Checking stopped: offline',
  proxy: 'Checking stopped: the proxy refused the connection',
};

/** More verdicts than this in one batch become a single summary notification. */
export const MAX_VERDICT_NOTIFICATIONS = 3;

/** Notifications for blocks that appeared and folders that became unavailable since `prev`. */
export function statusNotifications(prev: EngineStatus | null, next: EngineStatus): NotificationSpec[] {
  const out: NotificationSpec[] = [];
  const before = new Set((prev?.blocks ?? []).map((b) => `${b.kind}:${b.code}`));
  for (const block of next.blocks) {
    const key = `${block.kind}:${block.code}`;
    if (!NOTIFIED_BLOCKS.includes(block.kind) || before.has(key)) continue;
    out.push({
      key: `block:${key}`,
      title: BLOCK_TITLES[block.kind],
      body: `${block.message} ${block.action}`,
      jobId: null,
    });
  }
  const wasUnavailable = new Set(
    (prev?.folders ?? []).filter((f) => f.health.state === 'unavailable').map((f) => f.id),
  );
  for (const folder of next.folders) {
    if (folder.health.state !== 'unavailable' || wasUnavailable.has(folder.id)) continue;
    out.push({
      key: `folder:${folder.id}`,
      title: `Folder unavailable: ${folderName(folder.path)}`,
      body:
        folder.health.message ??
        `Authenta Watch cannot read ${folder.path}. Check that the drive or share is connected.`,
      jobId: null,
    });
  }
  return out;
}

function verdictNotification(job: Job): NotificationSpec | null {
  const verdict = job.verdict;
  if (job.state !== 'done' || !verdict || (verdict.label !== 'fake' && verdict.label !== 'suspect'))
    return null;
  const confidence =
    verdict.confidence === undefined ? '' : ` (${Math.round(verdict.confidence * 100)}% confidence)`;
  const simulated = job.simulated ? ' Simulated result from the Sandbox, not from Authenta.' : '';
  return verdict.label === 'fake'
    ? {
        key: `verdict:${job.id}`,
        title: `Likely fake: ${job.name}`,
        body: `Authenta rates this file as a deepfake${confidence}. Click to see the details.${simulated}`,
        jobId: job.id,
      }
    : {
        key: `verdict:${job.id}`,
        title: `Suspect: ${job.name}`,
        body: `Authenta found signs of manipulation${confidence}. Click to see the details.${simulated}`,
        jobId: job.id,
      };
}

/**
 * Notifications for fake or suspect verdicts reached at or after `since` (older rows the engine
 * re-sends are not news). A large batch becomes one summary.
 */
export function verdictNotifications(changes: readonly JobChange[], since: number): NotificationSpec[] {
  const specs: NotificationSpec[] = [];
  for (const change of changes) {
    if (change.type !== 'upsert' || (change.job.doneAt ?? 0) < since) continue;
    const spec = verdictNotification(change.job);
    if (spec) specs.push(spec);
  }
  if (specs.length <= MAX_VERDICT_NOTIFICATIONS) return specs;
  return [
    {
      key: `verdicts:${specs.map((s) => s.key).join(',')}`,
      title: `${specs.length} files look fake or suspect`,
      body: 'Open Authenta Watch to review them.',
      jobId: null,
    },
  ];
}

export interface NotifierOptions {
  api: Pick<AuthentaWatchApi, 'onJobsChanged' | 'onStatus'>;
  /** Read at each event: the user may switch notifications off at any time. */
  enabled(): boolean;
  show(spec: NotificationSpec): void;
  clock: Clock;
}

/** Watches the engine's events and shows each notification once. */
export class Notifier implements Disposable {
  private prev: EngineStatus | null = null;
  private readonly shown = new Set<string>();
  private readonly since: number;
  private readonly unsubscribes: (() => void)[];

  constructor(private readonly options: NotifierOptions) {
    this.since = options.clock.now();
    this.unsubscribes = [
      options.api.onStatus((status) => {
        const specs = statusNotifications(this.prev, status);
        this.prev = status;
        this.emit(specs);
      }),
      options.api.onJobsChanged((changes) => this.emit(verdictNotifications(changes, this.since))),
    ];
  }

  /** Seeds the status seen at start, so what is already known is announced (or not) exactly once. */
  seed(status: EngineStatus): void {
    const specs = statusNotifications(this.prev, status);
    this.prev = status;
    this.emit(specs);
  }

  private emit(specs: readonly NotificationSpec[]): void {
    const fresh = specs.filter((s) => !this.shown.has(s.key));
    for (const spec of fresh) this.shown.add(spec.key);
    // A block that clears and comes back later is news again.
    for (const key of [...this.shown]) {
      if (key.startsWith('block:') && !this.prev?.blocks.some((b) => key === `block:${b.kind}:${b.code}`)) {
        this.shown.delete(key);
      }
      if (
        key.startsWith('folder:') &&
        !this.prev?.folders.some((f) => key === `folder:${f.id}` && f.health.state === 'unavailable')
      ) {
        this.shown.delete(key);
      }
    }
    if (!this.options.enabled()) return;
    for (const spec of fresh) this.options.show(spec);
  }

  dispose(): void {
    for (const unsubscribe of this.unsubscribes) unsubscribe();
  }
}

/**
 * Shows a native notification; `onClick` gets the spec. Live notifications are kept referenced
 * until closed: a garbage-collected Notification no longer delivers its click.
 */
export function createNativeNotifier(options: {
  iconPath: string | null;
  onClick(spec: NotificationSpec): void;
}): (spec: NotificationSpec) => void {
  const live = new Set<Notification>();
  return (spec) => {
    if (!Notification.isSupported()) return;
    const notification = new Notification({
      title: spec.title,
      body: spec.body,
      ...(options.iconPath ? { icon: options.iconPath } : {}),
    });
    live.add(notification);
    notification.on('click', () => {
      live.delete(notification);
      options.onClick(spec);
    });
    notification.on('close', () => live.delete(notification));
    notification.show();
  };
}
