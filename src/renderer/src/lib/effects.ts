/**
 * The side effects the UI needs beyond the contract (clock, clipboard, downloads, opening a URL,
 * handing dropped files to the host). State classes receive them as an argument so tests can
 * hand in their own.
 */
import type { DropResult } from '../../../shared/contract';

export interface UiEffects {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Opens a URL the engine returned (web host only: Electron's openLink opens it itself); false if blocked. */
  openUrl(url: string): boolean;
  /** Puts text on the clipboard; rejects when the clipboard is not available. */
  copyText(text: string): Promise<void>;
  /** Offers text as a file download. */
  download(fileName: string, content: string, mimeType: string): void;
  /** The host's drop hook, read when the drop happens (a host may install it late); undefined: no drops. */
  dropHook(): ((files: File[]) => Promise<DropResult>) | undefined;
}

/** The effects of a real browser window. */
export function browserEffects(win: Window = window): UiEffects {
  return {
    now: () => Date.now(),
    openUrl: (url) => {
      // With noopener, window.open returns null even when it opened: open first, then cut the link.
      const opened = win.open(url, '_blank');
      if (!opened) return false;
      opened.opener = null;
      return true;
    },
    copyText: async (text) => {
      if (win.navigator.clipboard?.writeText) {
        await win.navigator.clipboard.writeText(text);
        return;
      }
      const area = win.document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.className = 'visually-hidden';
      win.document.body.append(area);
      area.select();
      const ok = win.document.execCommand('copy');
      area.remove();
      if (!ok) throw new Error('The clipboard is not available here.');
    },
    download: (fileName, content, mimeType) => {
      const blob = new Blob([content], { type: mimeType });
      const url = URL.createObjectURL(blob);
      const a = win.document.createElement('a');
      a.href = url;
      a.download = fileName;
      a.rel = 'noopener';
      win.document.body.append(a);
      a.click();
      a.remove();
      // Revoke on a later turn: Chromium reads the blob after click() returns.
      win.setTimeout(() => URL.revokeObjectURL(url), 10_000);
    },
    dropHook: () => win.authentaDrop,
  };
}
