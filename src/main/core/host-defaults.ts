/**
 * What the engine answers for the contract commands that only a host can do (show a file in its
 * folder, native pickers, local media, PDF): a clear "not in this host" or an empty answer. The
 * Engine extends this; each host overrides what it does itself (the desktop host all of them,
 * the web host the media base).
 */
import type { JobId } from '../../shared/contract';
import { userError } from './services/user-error';

/** The host-only commands' answers where the host has no such thing; see the module comment. */
export abstract class HostDefaults {
  /** Hosts with a file manager override this. */
  async revealJob(_id: JobId): Promise<void> {
    throw userError(
      'Showing a file in its folder is not available in this host; open the folder yourself.',
      'NOT_AVAILABLE',
    );
  }

  /** Hosts with a native picker override this. */
  async pickFolder(): Promise<string | null> {
    return null;
  }

  /** Hosts with a native picker override this; the web host has none. */
  async pickFiles(): Promise<string[]> {
    return [];
  }

  /** The hosts serve the media (the web host's route, Electron's protocol) and answer this. */
  async getMediaBase(): Promise<string> {
    throw userError('This host does not show local media.', 'NOT_AVAILABLE');
  }

  /** The desktop host overrides this (printToPDF); elsewhere the browser's print makes the PDF. */
  async savePdf(_title: string): Promise<string | null> {
    throw userError(
      "Saving a PDF works only in the desktop app; use your browser's Print, then Save as PDF.",
      'NOT_AVAILABLE',
    );
  }
}
