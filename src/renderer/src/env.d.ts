/// <reference types="svelte" />
/// <reference types="vite/client" />
import type { AuthentaWatchApi, DropResult } from '../../shared/contract';

declare global {
  interface Window {
    /** The contract: provided by the preload in Electron; absent in a browser until the WebSocket client is made. */
    authenta?: AuthentaWatchApi;
    /**
     * Hands dropped files to the host: the preload turns them into paths (addPaths), the web
     * client uploads them into the web host's inbox. Absent when the host takes no drops.
     */
    authentaDrop?: (files: File[]) => Promise<DropResult>;
  }
}
