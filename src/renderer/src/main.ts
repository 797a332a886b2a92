/**
 * The renderer's entry: the contract comes from the preload (Electron) or, in a browser, from the
 * WebSocket client; the UI knows nothing else of its host.
 */
import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { browserEffects } from './lib/effects';
import { createWsApi, uploadDroppedFiles } from './lib/ws-api';
import { AppState, type HostConnection } from './state/app-state.svelte';

const target = document.getElementById('app');
if (!target) throw new Error('Authenta Watch: the page has no #app element.');

let api = window.authenta;
let connection: HostConnection | undefined;
if (!api) {
  const ws = createWsApi();
  api = ws;
  connection = ws;
  // In a browser, dropped files are uploaded into the web host's inbox.
  window.authentaDrop ??= (files) => uploadDroppedFiles(files);
}

const app = new AppState(api, browserEffects(window), connection ? { connection } : {});
void app.start();
window.addEventListener('pagehide', () => app.dispose());

export default mount(App, { target, props: { app } });
