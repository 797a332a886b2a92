/**
 * New fake and suspect verdicts a person has not looked at yet: counted in the tab's title while
 * the page is out of sight ("(3) 2 fake · 1 suspect — Authenta Watch"), cleared when it is looked
 * at again, and, when the person opted in, announced as browser notifications.
 */
import type { Job, JobChange } from '../../../shared/domain';
import { explainVerdict } from '../../../shared/verdict-words';

export const BASE_TITLE = 'Authenta Watch';
const OPT_IN_KEY = 'authenta-watch.notify';

/** What the page offers for attention; the browser's in browserAttentionHost, fakes in tests. */
export interface AttentionHost {
  setTitle(title: string): void;
  /** Whether the person sees the page now. */
  visible(): boolean;
  /** Calls back when the page becomes visible again; returns the unsubscribe. */
  onVisible(listener: () => void): () => void;
  /** 'unsupported' where the browser has no notifications. */
  permission(): NotificationPermission | 'unsupported';
  requestPermission(): Promise<NotificationPermission | 'unsupported'>;
  notify(title: string, body: string, onclick: () => void): void;
  /** The stored opt-in. */
  load(): boolean;
  save(on: boolean): void;
}

/** The jobs among the changes that got a fake or suspect verdict at or after `since`. */
export function alarmingVerdicts(changes: readonly JobChange[], since: number): Job[] {
  return changes.flatMap((c) =>
    c.type === 'upsert' &&
    (c.job.verdict?.label === 'fake' || c.job.verdict?.label === 'suspect') &&
    c.job.doneAt !== null &&
    c.job.doneAt >= since
      ? [c.job]
      : [],
  );
}

/** The tab's title for unseen counts. */
export function attentionTitle(fake: number, suspect: number): string {
  const total = fake + suspect;
  if (total === 0) return BASE_TITLE;
  const parts = [fake ? `${fake} fake` : '', suspect ? `${suspect} suspect` : ''].filter(Boolean);
  return `(${total}) ${parts.join(' · ')} — ${BASE_TITLE}`;
}

export class AttentionState {
  /** Unseen new verdicts, by label. */
  fake = $state(0);
  suspect = $state(0);
  /** The person asked for browser notifications (and the browser allows them). */
  notifying = $state(false);
  permission = $state<NotificationPermission | 'unsupported'>('default');

  readonly #host: AttentionHost;
  readonly #since: number;
  /** Bookkeeping only, never shown: a plain Set. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #counted = new Set<number>();
  readonly #open: (id: number) => void;
  #unsubscribe: (() => void) | null = null;

  constructor(host: AttentionHost, now: number, open: (id: number) => void) {
    this.#host = host;
    this.#since = now;
    this.#open = open;
    this.permission = host.permission();
    this.notifying = host.load() && this.permission === 'granted';
    this.#unsubscribe = host.onVisible(() => this.seen());
  }

  get supported(): boolean {
    return this.permission !== 'unsupported';
  }

  /** The engine's changes: count and announce new fake and suspect verdicts. */
  onJobsChanged(changes: readonly JobChange[]): void {
    for (const job of alarmingVerdicts(changes, this.#since)) {
      if (this.#counted.has(job.id)) continue;
      this.#counted.add(job.id);
      if (this.#host.visible()) continue;
      if (job.verdict?.label === 'fake') this.fake += 1;
      else this.suspect += 1;
      if (this.notifying && job.verdict) {
        this.#host.notify(
          `${job.verdict.label === 'fake' ? 'Fake' : 'Suspect'}: ${job.name}`,
          explainVerdict(job.verdict).short,
          () => this.#open(job.id),
        );
      }
    }
    this.#host.setTitle(attentionTitle(this.fake, this.suspect));
  }

  /** The person looked at the page: the count starts again. */
  seen(): void {
    this.fake = 0;
    this.suspect = 0;
    this.#host.setTitle(BASE_TITLE);
  }

  /** Turn browser notifications on (asks the browser's permission) or off. */
  async setNotifying(on: boolean): Promise<void> {
    if (on && this.permission !== 'granted') this.permission = await this.#host.requestPermission();
    this.notifying = on && this.permission === 'granted';
    this.#host.save(this.notifying);
  }

  dispose(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }
}

/** The browser's title, visibility, notifications and local storage. */
export function browserAttentionHost(win: Window = window): AttentionHost {
  const N = (win as Window & { Notification?: typeof Notification }).Notification;
  return {
    setTitle: (title) => {
      win.document.title = title;
    },
    visible: () => win.document.visibilityState === 'visible' && win.document.hasFocus(),
    onVisible: (listener) => {
      const onChange = (): void => {
        if (win.document.visibilityState === 'visible') listener();
      };
      win.document.addEventListener('visibilitychange', onChange);
      win.addEventListener('focus', listener);
      return () => {
        win.document.removeEventListener('visibilitychange', onChange);
        win.removeEventListener('focus', listener);
      };
    },
    permission: () => (N ? N.permission : 'unsupported'),
    requestPermission: async () => (N ? await N.requestPermission() : 'unsupported'),
    notify: (title, body, onclick) => {
      if (!N || N.permission !== 'granted') return;
      const n = new N(title, { body, icon: './favicon.svg', tag: title });
      n.onclick = () => {
        win.focus();
        onclick();
        n.close();
      };
    },
    load: () => {
      try {
        return win.localStorage.getItem(OPT_IN_KEY) === 'on';
      } catch {
        return false;
      }
    },
    save: (on) => {
      try {
        win.localStorage.setItem(OPT_IN_KEY, on ? 'on' : 'off');
      } catch {
        // Private mode without storage: the choice lasts this session.
      }
    },
  };
}
