/**
 * The local media as the UI shows it: thumbnails at the start of each row, the original file in
 * the details, and poster frames for videos the engine could not make a thumbnail of. URLs are
 * built from the host's media base and a job id, never from a path. Poster frames are drawn by
 * the renderer's own video decoder, one video at a time, and handed to the engine to cache.
 */
import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import { CredentialMarksState } from './credential-marks.svelte';
import type { AuthentaWatchApi } from '../../../shared/contract';
import type { Job } from '../../../shared/domain';

/** Draws a poster frame of the video at `url` as a JPEG data URL; null when it cannot be decoded. */
export type PosterDrawer = (url: string) => Promise<string | null>;

type MediaApi = Pick<AuthentaWatchApi, 'getMediaBase' | 'saveVideoPoster'> &
  Partial<Pick<AuthentaWatchApi, 'getCredentialMarks'>>;

export class MediaState {
  /** The media base URL (no trailing slash); null until known or when the host has none. */
  base = $state<string | null>(null);
  /** Jobs whose thumbnail failed to load: their row shows a type icon. */
  readonly missing = new SvelteSet<number>();
  /** A cache-busting version per job, raised once a poster frame was saved. */
  readonly versions = new SvelteMap<number, number>();

  /** The rows' Content Credentials marks (asked for in batches by settled rows). */
  readonly credentials: CredentialMarksState;

  readonly #api: MediaApi;
  readonly #draw: PosterDrawer | null;
  /** Videos waiting for a poster frame, in the order their rows asked. */
  readonly #queue: number[] = [];
  /** Videos tried once (drawn, or failed to draw): never tried again this session. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never shown
  readonly #tried = new Set<number>();
  #running = false;

  constructor(api: MediaApi, draw: PosterDrawer | null) {
    this.#api = api;
    this.#draw = draw;
    this.credentials = new CredentialMarksState(api);
  }

  /** Ask the host for its media base (once at start; a host without one leaves base null). */
  async load(): Promise<void> {
    try {
      this.base = (await this.#api.getMediaBase()).replace(/\/+$/, '');
    } catch {
      this.base = null;
    }
  }

  /**
   * The picture of a job, or null when there is none to ask for: `row` is cut to a queue row's
   * box (a long queue scrolls without scaling large pictures), `large` for previews and reports.
   */
  thumbUrl(id: number, size: 'row' | 'large' = 'large'): string | null {
    if (this.base === null || this.missing.has(id)) return null;
    const v = this.versions.get(id);
    return `${this.base}/${size === 'row' ? 'thumb-row' : 'thumb'}/${id}${v ? `?v=${v}` : ''}`;
  }

  /** The file itself (images and videos; HTTP Range for seeking). */
  originalUrl(id: number): string | null {
    return this.base === null ? null : `${this.base}/original/${id}`;
  }

  /**
   * A row's thumbnail failed to load: show the type icon, and for a video draw a poster frame
   * from the original (one at a time) and hand it to the engine, then load the thumbnail again.
   */
  thumbFailed(job: Pick<Job, 'id' | 'kind'>): void {
    this.missing.add(job.id);
    if (job.kind !== 'video' || !this.#draw || this.#tried.has(job.id)) return;
    this.#tried.add(job.id);
    this.#queue.push(job.id);
    void this.#drain();
  }

  /** Resolves when every queued poster frame was tried (for tests). */
  async idle(): Promise<void> {
    while (this.#running) await new Promise((r) => setTimeout(r, 10));
  }

  async #drain(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      for (let id = this.#queue.shift(); id !== undefined; id = this.#queue.shift()) {
        const url = this.originalUrl(id);
        if (!url || !this.#draw) continue;
        try {
          const poster = await this.#draw(url);
          if (!poster) continue;
          await this.#api.saveVideoPoster(id, poster);
          this.versions.set(id, (this.versions.get(id) ?? 0) + 1);
          this.missing.delete(id);
        } catch {
          // The type icon stays; a poster is a nicety, never an error to show.
        }
      }
    } finally {
      this.#running = false;
    }
  }
}

/** The largest side of a poster frame, in px: small enough for a thumbnail, under 512 KB as JPEG. */
const POSTER_SIDE = 320;

/**
 * Draw a frame from a second into the video (or a tenth of it when shorter) with an offscreen
 * <video> and a canvas. Null when the browser cannot decode the file or the frame is not readable.
 */
export function browserPosterDrawer(doc: Document = document, timeoutMs = 15_000): PosterDrawer {
  return (url) =>
    new Promise<string | null>((resolve) => {
      const video = doc.createElement('video');
      let settled = false;
      const finish = (value: string | null): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        video.removeAttribute('src');
        video.load();
        resolve(value);
      };
      const timer = setTimeout(() => finish(null), timeoutMs);
      video.muted = true;
      video.preload = 'auto';
      video.playsInline = true;
      video.onerror = () => finish(null);
      video.onloadeddata = () => {
        const d = Number.isFinite(video.duration) ? video.duration : 0;
        video.currentTime = Math.min(1, d / 10);
      };
      video.onseeked = () => {
        try {
          const w = video.videoWidth;
          const h = video.videoHeight;
          if (!w || !h) return finish(null);
          const scale = Math.min(1, POSTER_SIDE / Math.max(w, h));
          const canvas = doc.createElement('canvas');
          canvas.width = Math.max(1, Math.round(w * scale));
          canvas.height = Math.max(1, Math.round(h * scale));
          canvas.getContext('2d')?.drawImage(video, 0, 0, canvas.width, canvas.height);
          finish(canvas.toDataURL('image/jpeg', 0.8));
        } catch {
          finish(null);
        }
      };
      video.src = url;
    });
}
