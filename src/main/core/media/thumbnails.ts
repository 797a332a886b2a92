/**
 * Thumbnails of the ledger's media, made on this machine (never sent anywhere) with sharp and
 * cached in the data folder (`thumbs/`), keyed by the file's sha256 so the same bytes are drawn
 * once whatever their path. The cache stays under `maxBytes` by dropping the least recently used.
 *
 * Never on the pipeline's path: a thumbnail is made only when the UI asks for one (or when the
 * engine prefetches at low priority), one at a time, and libvips gets one thread; none starts
 * while the pipeline reads files (`pipelineBusy`), so sniffing, hashing and uploading keep the CPU
 * and the disk. A picture the UI waits for gives way for at most `yieldAtMostMs`. Videos get the
 * poster frame the UI drew with its own decoder (`savePoster`), decoded and re-encoded here: its
 * bytes are never stored as given.
 */
import { mkdir, readdir, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type SharpDefault from 'sharp';
import type { Clock, Disposable, Logger } from '../ports';
import { systemClock } from '../ports';

/** What a thumbnail is made from: a ledger row's content hash, kind and (for images) its file. */
export interface ThumbnailSource {
  sha256: string;
  kind: string | null;
  /** The file, already checked to be the one that was judged (see media-files.ts). */
  path: string;
}

/**
 * Which picture: `large` (THUMBNAIL_EDGE on its longest side, for previews and reports) or `row`
 * (ROW_THUMBNAIL, cropped to a queue row's box: a long queue scrolls without decoding and scaling
 * a large picture per row).
 */
export type ThumbnailVariant = 'large' | 'row';

/** A cached thumbnail, ready to serve. */
export interface Thumbnail {
  file: string;
  contentType: 'image/webp';
  size: number;
}

/** The longest edge of a large thumbnail, in pixels (previews, reports; rows get ROW_THUMBNAIL). */
export const THUMBNAIL_EDGE = 256;
/** A queue row's picture: 40x28 CSS px at twice the pixels (2x screens), cropped to fill. */
export const ROW_THUMBNAIL = { width: 80, height: 56 } as const;
/** The largest poster frame accepted from the UI, in bytes of JPEG. */
export const POSTER_MAX_BYTES = 512 * 1024;
/** Images larger than this many pixels are not drawn (a decompression bomb costs memory, not a thumbnail). */
const MAX_INPUT_PIXELS = 100_000_000;
/** Failed sources remembered so a broken file is not decoded again at every scroll. */
const MAX_REMEMBERED_FAILURES = 10_000;

export interface ThumbnailServiceOptions {
  /** The cache folder (`<data folder>/thumbs`). */
  dir: string;
  /** The cache's size limit, read at each write (the user may change it). */
  maxBytes: () => number;
  logger: Logger;
  clock?: Clock;
  /**
   * Whether the pipeline is reading files now (sniffing, hashing, sending). While it is, no
   * thumbnail starts: they wait for it, so they do not take its CPU or its disk. One the UI waits
   * for waits at most `yieldAtMostMs` (a long upload on a slow network leaves the CPU idle).
   */
  pipelineBusy?: () => boolean;
  /** How long a picture the UI waits for gives way to the pipeline (default 5 s). */
  yieldAtMostMs?: number;
}

/** How often a waiting thumbnail looks again whether the pipeline is still busy. */
const YIELD_POLL_MS = 50;
/** See ThumbnailServiceOptions.yieldAtMostMs. */
const YIELD_AT_MOST_MS = 5_000;

/** Why a poster frame was refused. */
export class PosterError extends Error {
  override readonly name = 'PosterError';
  readonly code = 'INVALID_POSTER';
  readonly kind = 'invalid';
}

interface Entry {
  size: number;
  usedAt: number;
}

interface Task {
  run: () => Promise<void>;
  /** When it was asked for (the clock's time). */
  at: number;
}

type SharpModule = typeof SharpDefault;

/** The cache's file name of a hash's thumbnail. */
function fileName(sha256: string, variant: ThumbnailVariant = 'large'): string {
  return variant === 'row'
    ? `${sha256}-${ROW_THUMBNAIL.width}x${ROW_THUMBNAIL.height}.webp`
    : `${sha256}-${THUMBNAIL_EDGE}.webp`;
}

const SHA256 = /^[0-9a-f]{64}$/;

/** Makes, caches and evicts thumbnails; see the module comment. */
export class ThumbnailService implements Disposable {
  private readonly clock: Clock;
  private index: Map<string, Entry> | null = null;
  private indexLoading: Promise<Map<string, Entry>> | null = null;
  private total = 0;
  private readonly inFlight = new Map<string, Promise<Thumbnail | null>>();
  private readonly failed = new Set<string>();
  private readonly urgent: Task[] = [];
  private readonly background: Task[] = [];
  private running: Promise<void> | null = null;
  /** Set while the queue waits for the pipeline to stop reading files. */
  private yielding: Disposable | null = null;
  private disposed = false;
  private sharpModule: Promise<SharpModule> | null = null;

  constructor(private readonly options: ThumbnailServiceOptions) {
    this.clock = options.clock ?? systemClock;
  }

  /**
   * The thumbnail of `source`: from the cache, or made now for an image. Null when none can be
   * made (a video without a poster yet, audio, a format sharp cannot read).
   */
  async get(source: ThumbnailSource): Promise<Thumbnail | null> {
    const cached = await this.cached(source.sha256);
    if (cached) return cached;
    if (source.kind !== 'image') return null;
    return this.make(source, true);
  }

  /**
   * A queue row's picture of `large` (the hash's large thumbnail, already made): from the cache,
   * or cropped from the large one now. Null when it cannot be made (serve the large one instead).
   */
  async row(sha256: string, large: Thumbnail): Promise<Thumbnail | null> {
    const cached = await this.cached(sha256, 'row');
    if (cached) return cached;
    return this.makeRow(sha256, large.file, true);
  }

  /** The cached thumbnail of a hash, if any (marked as used). */
  async cached(sha256: string, variant: ThumbnailVariant = 'large'): Promise<Thumbnail | null> {
    if (!SHA256.test(sha256)) return null;
    const index = await this.loadIndex();
    const name = fileName(sha256, variant);
    const entry = index.get(name);
    if (!entry) return null;
    const now = this.clock.now();
    entry.usedAt = now;
    const file = join(this.options.dir, name);
    // The last use survives a restart through the file's mtime.
    await utimes(file, now / 1000, now / 1000).catch(() => this.forget(name));
    if (!index.has(name)) return null;
    return { file, contentType: 'image/webp', size: entry.size };
  }

  /** Make an image's thumbnails (large and row) in the background, after anything the UI is waiting for. */
  prefetch(source: ThumbnailSource): void {
    if (source.kind !== 'image' || this.disposed) return;
    void (async () => {
      const large = (await this.cached(source.sha256)) ?? (await this.make(source, false));
      if (large && !(await this.cached(source.sha256, 'row')))
        await this.makeRow(source.sha256, large.file, false);
    })().catch(() => undefined);
  }

  /**
   * Store a video's poster frame drawn by the UI. The JPEG is decoded, scaled and re-encoded;
   * anything that is not a JPEG of sane size is refused with a PosterError.
   */
  async savePoster(sha256: string, jpegDataUrl: string): Promise<void> {
    if (!SHA256.test(sha256)) throw new PosterError('The file has no content hash yet.');
    const match = /^data:image\/jpeg;base64,([A-Za-z0-9+/]+={0,2})$/.exec(jpegDataUrl);
    if (!match) throw new PosterError('The poster frame must be a JPEG data URL.');
    const bytes = Buffer.from(match[1]!, 'base64');
    if (bytes.length === 0 || bytes.length > POSTER_MAX_BYTES)
      throw new PosterError(`The poster frame must be a JPEG of at most ${POSTER_MAX_BYTES / 1024} KB.`);
    await this.schedule(true, async () => {
      const sharp = await this.sharp();
      let meta;
      try {
        meta = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
      } catch {
        throw new PosterError('The poster frame is not a readable image.');
      }
      if (meta.format !== 'jpeg') throw new PosterError('The poster frame is not a JPEG.');
      const out = await this.encode(sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS }));
      await this.store(sha256, out);
      // A row picture cut from an earlier large one would not match the new poster.
      await this.drop(fileName(sha256, 'row'));
      this.failed.delete(sha256);
    });
  }

  /** Forget a hash's thumbnail (it was drawn from bytes that turned out not to be the judged ones). */
  async discard(sha256: string): Promise<void> {
    if (!SHA256.test(sha256)) return;
    await this.loadIndex();
    await this.drop(fileName(sha256));
    await this.drop(fileName(sha256, 'row'));
  }

  /** Drop least recently used thumbnails until the cache fits its limit (after the limit changed). */
  async trim(): Promise<void> {
    await this.loadIndex();
    await this.evict();
  }

  /** Bytes the cache holds now. */
  async sizeOnDisk(): Promise<number> {
    await this.loadIndex();
    return this.total;
  }

  dispose(): void {
    this.disposed = true;
    this.yielding?.dispose();
    this.yielding = null;
    this.urgent.length = 0;
    this.background.length = 0;
  }

  /** Resolves once the picture being made now (if any) is written: after dispose, nothing more is. */
  async settled(): Promise<void> {
    await this.running;
  }

  // --- internals ------------------------------------------------------------------------------

  private make(source: ThumbnailSource, urgent: boolean): Promise<Thumbnail | null> {
    if (!SHA256.test(source.sha256) || this.failed.has(source.sha256)) return Promise.resolve(null);
    const running = this.inFlight.get(source.sha256);
    if (running) {
      // Asked for now while it waits in the background queue: move it ahead.
      if (urgent) this.promote(source.sha256);
      return running;
    }
    const done = this.schedule(
      urgent,
      async (): Promise<Thumbnail | null> => {
        const hit = await this.cached(source.sha256);
        if (hit) return hit;
        const sharp = await this.sharp();
        let out: Buffer;
        try {
          out = await this.encode(
            // First frame of an animation, turned upright by its EXIF orientation.
            sharp(source.path, { limitInputPixels: MAX_INPUT_PIXELS, pages: 1, failOn: 'error' }),
          );
        } catch (e) {
          this.rememberFailure(source.sha256);
          this.options.logger.debug('no thumbnail for this file', { message: String((e as Error).message) });
          return null;
        }
        return this.store(source.sha256, out);
      },
      source.sha256,
    ).finally(() => this.inFlight.delete(source.sha256));
    this.inFlight.set(source.sha256, done);
    return done;
  }

  /** Crop a row picture from the large thumbnail file (one at a time, like any other). */
  private makeRow(sha256: string, largeFile: string, urgent: boolean): Promise<Thumbnail | null> {
    const key = `${sha256}:row`;
    const running = this.inFlight.get(key);
    if (running) {
      if (urgent) this.promote(key);
      return running;
    }
    const done = this.schedule(
      urgent,
      async (): Promise<Thumbnail | null> => {
        const hit = await this.cached(sha256, 'row');
        if (hit) return hit;
        const sharp = await this.sharp();
        let out: Buffer;
        try {
          out = await sharp(largeFile, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
            .resize(ROW_THUMBNAIL.width, ROW_THUMBNAIL.height, { fit: 'cover' })
            .webp({ quality: 70, effort: 2 })
            .toBuffer();
        } catch (e) {
          this.options.logger.debug('no row picture for this file', {
            message: String((e as Error).message),
          });
          return null;
        }
        return this.store(sha256, out, 'row');
      },
      key,
    ).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, done);
    return done;
  }

  private async drop(name: string): Promise<void> {
    this.forget(name);
    await unlink(join(this.options.dir, name)).catch(() => undefined);
  }

  private readonly taskKeys = new WeakMap<Task, string>();

  private promote(sha256: string): void {
    const i = this.background.findIndex((t) => this.taskKeys.get(t) === sha256);
    if (i < 0) return;
    const [task] = this.background.splice(i, 1);
    // Asked for now: it gives way to the pipeline from now on, as a new request would.
    task!.at = this.clock.now();
    this.urgent.push(task!);
  }

  private schedule<T>(urgent: boolean, work: () => Promise<T>, key?: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.disposed) {
        reject(new Error('The thumbnail service has stopped.'));
        return;
      }
      const task: Task = {
        run: () => work().then(resolve, reject),
        at: this.clock.now(),
      };
      if (key) this.taskKeys.set(task, key);
      (urgent ? this.urgent : this.background).push(task);
      this.pump();
    });
  }

  private pump(): void {
    if (this.running || this.yielding || this.disposed) return;
    const next = this.urgent[0] ?? this.background[0];
    if (!next) return;
    const patience = this.urgent.length > 0 ? (this.options.yieldAtMostMs ?? YIELD_AT_MOST_MS) : Infinity;
    if (this.options.pipelineBusy?.() && this.clock.now() - next.at < patience) {
      this.yielding = this.clock.setTimeout(() => {
        this.yielding = null;
        this.pump();
      }, YIELD_POLL_MS);
      return;
    }
    const task = this.urgent.shift() ?? this.background.shift();
    if (!task) return;
    this.running = task.run().finally(() => {
      this.running = null;
      this.pump();
    });
  }

  private async encode(image: ReturnType<SharpModule>): Promise<Buffer> {
    return image
      .rotate()
      .resize(THUMBNAIL_EDGE, THUMBNAIL_EDGE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 72, effort: 2 })
      .toBuffer();
  }

  private async store(
    sha256: string,
    bytes: Buffer,
    variant: ThumbnailVariant = 'large',
  ): Promise<Thumbnail> {
    const index = await this.loadIndex();
    await mkdir(this.options.dir, { recursive: true });
    const name = fileName(sha256, variant);
    const file = join(this.options.dir, name);
    const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.part`;
    await writeFile(temp, bytes);
    const now = this.clock.now();
    await utimes(temp, now / 1000, now / 1000);
    await rename(temp, file);
    const previous = index.get(name);
    if (previous) this.total -= previous.size;
    index.set(name, { size: bytes.length, usedAt: now });
    this.total += bytes.length;
    await this.evict(name);
    return { file, contentType: 'image/webp', size: bytes.length };
  }

  /** Remove least recently used entries while over the limit; `keep` (just written) goes last. */
  private async evict(keep?: string): Promise<void> {
    const index = this.index;
    if (!index) return;
    const limit = this.options.maxBytes();
    if (this.total <= limit) return;
    const order = [...index.entries()]
      .filter(([name]) => name !== keep)
      .sort((a, b) => a[1].usedAt - b[1].usedAt);
    for (const [name] of order) {
      if (this.total <= limit) break;
      this.forget(name);
      await unlink(join(this.options.dir, name)).catch(() => undefined);
    }
  }

  private forget(name: string): void {
    const entry = this.index?.get(name);
    if (!entry) return;
    this.index!.delete(name);
    this.total -= entry.size;
  }

  private rememberFailure(sha256: string): void {
    if (this.failed.size >= MAX_REMEMBERED_FAILURES) this.failed.clear();
    this.failed.add(sha256);
  }

  private loadIndex(): Promise<Map<string, Entry>> {
    if (this.index) return Promise.resolve(this.index);
    this.indexLoading ??= (async () => {
      const index = new Map<string, Entry>();
      let names: string[] = [];
      try {
        names = await readdir(this.options.dir);
      } catch {
        // No cache yet.
      }
      let total = 0;
      for (const name of names) {
        const file = join(this.options.dir, name);
        if (name.endsWith('.part')) {
          // Left by a crash mid-write.
          await unlink(file).catch(() => undefined);
          continue;
        }
        if (!/^[0-9a-f]{64}-\d+(x\d+)?\.webp$/.test(name)) continue;
        try {
          const info = await stat(file);
          index.set(name, { size: info.size, usedAt: info.mtimeMs });
          total += info.size;
        } catch {
          // Gone meanwhile.
        }
      }
      this.index = index;
      this.total = total;
      return index;
    })();
    return this.indexLoading;
  }

  private sharp(): Promise<SharpModule> {
    this.sharpModule ??= import('sharp').then((m) => {
      const sharp = m.default;
      // One libvips thread and no operation cache: thumbnails must not take the pipeline's CPU.
      sharp.concurrency(1);
      sharp.cache(false);
      return sharp;
    });
    return this.sharpModule;
  }
}
