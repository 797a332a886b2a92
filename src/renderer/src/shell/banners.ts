/**
 * What the banners above the queue say: one per engine block, one per unavailable folder, one when
 * the queue is paused by hand. Headings name what happened; the text and the advice come from the
 * engine. Pure, so every case is in a table test.
 */
import type { Block, BlockKind, EngineStatus } from '../../../shared/domain';

export type BannerTone = 'error' | 'warning' | 'info';

export interface Banner {
  /** Stable key, and the suffix of its data-testid: banner-<kind>. */
  kind: BlockKind | 'folder' | 'paused';
  tone: BannerTone;
  heading: string;
  message: string;
  /** What to do, in one sentence; empty when the message already says it. */
  action: string;
  /** The API or local code, shown small (IAM001, AA001, ...). */
  code: string | null;
  /** When the engine will try again by itself; null when it waits for the user. */
  retryAt: number | null;
  /** Offer "Resume queue". */
  offerResume: boolean;
  /** Offer a way to the account settings. */
  offerAccount: boolean;
  /** For a folder banner: which folder. */
  folderId: string | null;
}

const HEADINGS: Readonly<Record<BlockKind, string>> = {
  auth: 'Credentials rejected',
  permission: 'Permission missing',
  'quota-query': 'Query quota reached: checking for verdicts is paused',
  'quota-mutation': 'Upload quota reached: new uploads are paused',
  credits: 'Credits exhausted: no new files are sent',
  offline: 'Authenta cannot be reached',
};

const TONES: Readonly<Record<BlockKind, BannerTone>> = {
  auth: 'error',
  permission: 'error',
  'quota-query': 'warning',
  'quota-mutation': 'warning',
  credits: 'error',
  offline: 'warning',
};

const ORDER: Readonly<Record<Banner['kind'], number>> = {
  auth: 0,
  permission: 1,
  credits: 2,
  'quota-mutation': 3,
  'quota-query': 4,
  offline: 5,
  folder: 6,
  paused: 7,
};

function headingOf(block: Block): string {
  // Server errors (5xx) block like being offline, but the words differ.
  if (block.kind === 'offline' && /^(5\d\d|HTTP_5\d\d|SERVER)/i.test(block.code)) {
    return 'Authenta is answering with server errors';
  }
  return HEADINGS[block.kind];
}

/** The banners for an engine status, most serious first. */
export function bannersFrom(status: EngineStatus | null): Banner[] {
  if (!status) return [];
  const banners: Banner[] = [];
  const seen = new Set<string>();
  for (const block of status.blocks) {
    if (seen.has(block.kind)) continue;
    seen.add(block.kind);
    banners.push({
      kind: block.kind,
      tone: TONES[block.kind],
      heading: headingOf(block),
      message: block.message,
      action: block.action,
      code: block.code || null,
      retryAt: block.retryAt,
      offerResume:
        block.kind === 'quota-query' || block.kind === 'quota-mutation' || block.kind === 'credits',
      offerAccount: block.kind === 'auth' || block.kind === 'permission',
      folderId: null,
    });
  }
  for (const folder of status.folders) {
    if (folder.health.state !== 'unavailable') continue;
    banners.push({
      kind: 'folder',
      tone: 'warning',
      heading: `Folder unavailable: ${folder.path}`,
      // The engine's message says why and what to do; advice is added only when it sent none.
      message: folder.health.message ?? 'The folder cannot be read.',
      action: folder.health.message
        ? ''
        : 'Reconnect the drive or share, or check its permissions; watching resumes by itself.',
      code: null,
      retryAt: null,
      offerResume: false,
      offerAccount: false,
      folderId: folder.id,
    });
  }
  if (status.paused && !banners.some((b) => b.offerResume)) {
    banners.push({
      kind: 'paused',
      tone: 'info',
      heading: 'Queue paused',
      message: 'New files are still noticed and listed, but nothing is sent until you resume.',
      action: '',
      code: null,
      retryAt: null,
      offerResume: true,
      offerAccount: false,
      folderId: null,
    });
  }
  banners.sort((a, b) => ORDER[a.kind] - ORDER[b.kind]);
  // One "Resume queue" is enough: it goes on the most serious banner that offers it.
  let offered = false;
  for (const banner of banners) {
    if (banner.offerResume && offered) banner.offerResume = false;
    offered ||= banner.offerResume;
  }
  return banners;
}
