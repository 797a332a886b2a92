/// <reference types="svelte" />
/// <reference types="vite/client" />
import type { AuthentaWatchApi } from '../../shared/contract';

declare global {
  interface Window {
    /** The contract: provided by the preload in Electron, by the WebSocket client in a browser. */
    authenta: AuthentaWatchApi;
  }
}
