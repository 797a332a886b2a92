/**
 * What the banners above the queue say: one per engine block, one per unavailable folder, one when
 * the queue is paused by hand. Headings name what happened in the UI's words; the text and the advice
 * come from the engine, except where the advice points at the banner's own buttons. Pure, so every
 * case is in a table test.
 */
import type { Block, BlockKind, EngineStatus } from '../../../shared/domain';

export type BannerTone = 'error' | 'warning' | 'info';

export interface Banner {
  /** Stable key, and the suffix of its data-testid: banner-<kind>. */
  kind: BlockKind | 'disk-full' | 'folder' | 'paused';
  tone: BannerTone;
  heading: string;
  message: string;
  /** What to do, in one sentence; empty when the message already says it. */
  action: string;
  /** The API or local code, shown small (IAM001, AA001, ...). */
  code: string | null;
  /** When the engine will try again by itself; null when it waits for the user. */
  retryAt: number | null;
  /** Offer "Resume queue" (clears the blocks and tries again). */
  offerResume: boolean;
  /** Offer "Open Account". */
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
  proxy: 'The proxy stops the connection to Authenta',
};

/** Why an `offline` block holds the queue, read from its code: no answer at all, or a bad one. */
export type OfflineCause = 'network' | 'server' | 'rate' | 'other';

/**
 * The cause behind an `offline` block's code. The engine blocks the same way when the network is
 * down (NETWORK, RESET, TIMEOUT, a socket's E-code) and when Authenta keeps answering 5xx
 * (HTTP_503, a body code like INTERNAL_SERVER_ERROR), but people need to know which it is.
 */
export function offlineCause(code: string): OfflineCause {
  const c = code.trim();
  if (/^(HTTP_)?429$|TOO_MANY|RATE_?LIMIT|THROTTL|SlowDown/i.test(c)) return 'rate';
  if (/^(HTTP_)?5\d\d$|SERVER|INTERNAL|UNAVAILABLE|GATEWAY/i.test(c)) return 'server';
  if (/^(NETWORK|OFFLINE|RESET|TIMEOUT|DNS)$|^E(CONN|TIMEDOUT|NET|HOST|AI_|PIPE|NOTFOUND)|^UND_ERR/i.test(c))
    return 'network';
  return 'other';
}

const OFFLINE_HEADINGS: Readonly<Record<OfflineCause, string>> = {
  network: 'Authenta cannot be reached',
  server: 'Authenta is answering with server errors',
  rate: 'Authenta asks to slow down: too many requests',
  other: 'Authenta is not answering normally',
};

/**
 * The banner's own advice where it points at its own buttons (Account, Resume queue). The engine's
 * action for these blocks is written for every host (the CLI has no Account screen), so here the
 * UI says it in its own words.
 */
const UI_ACTIONS: Readonly<Partial<Record<BlockKind, string>>> = {
  auth: 'Check the client ID and secret (or API key) of this profile in Account, then choose Resume queue.',
  permission:
    'Give this key read and write permission in the Authenta console (or choose another profile in Account), then choose Resume queue.',
};

const TONES: Readonly<Record<BlockKind, BannerTone>> = {
  auth: 'error',
  permission: 'error',
  'quota-query': 'warning',
  'quota-mutation': 'warning',
  credits: 'error',
  offline: 'warning',
  proxy: 'error',
};

const ORDER: Readonly<Record<Banner['kind'], number>> = {
  'disk-full': -1,
  auth: 0,
  permission: 1,
  credits: 2,
  'quota-mutation': 3,
  'quota-query': 4,
  offline: 5,
  proxy: 5,
  folder: 6,
  paused: 7,
};

function headingOf(block: Block): string {
  return block.kind === 'offline' ? OFFLINE_HEADINGS[offlineCause(block.code)] : HEADINGS[block.kind];
}

/** The banners for an engine status, most serious first. */
export function bannersFrom(status: EngineStatus | null): Banner[] {
  if (!status) return [];
  const banners: Banner[] = [];
  const seen = new Set<string>();
  if (status.diskFull) {
    // Nothing is lost and nothing new is taken while the ledger cannot be written; the engine
    // resumes by itself when space is back, so there is nothing to press.
    banners.push({
      kind: 'disk-full',
      tone: 'error',
      heading: "The data folder's disk is full",
      message: status.diskFull.message,
      action: 'Free some space on that disk: checking resumes by itself, and no file is lost meanwhile.',
      code: null,
      retryAt: null,
      offerResume: false,
      offerAccount: false,
      folderId: null,
    });
  }
  for (const block of status.blocks) {
    if (seen.has(block.kind)) continue;
    seen.add(block.kind);
    banners.push({
      kind: block.kind,
      tone: TONES[block.kind],
      heading: headingOf(block),
      message: block.message,
      action: UI_ACTIONS[block.kind] ?? block.action,
      code: block.code || null,
      retryAt: block.retryAt,
      // Every block the user can clear gets "Resume queue" (resumeAll clears the blocks and tries
      // again); being offline clears itself, so it offers none.
      offerResume: block.kind !== 'offline',
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
