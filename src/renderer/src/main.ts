/**
 * The renderer's entry: the contract comes from the preload (Electron) or, in a browser, from the
 * WebSocket client; the UI knows nothing else of its host.
 */
import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { browserEffects } from './lib/effects';
import {
  createWsApi,
  pageToken,
  takeEarlySocket,
  uploadDroppedFiles,
  whenOpen,
  type WsApi,
} from './lib/ws-api';
import { AppState, type HostConnection } from './state/app-state.svelte';
import { browserAttentionHost } from './state/attention-state.svelte';
import { browserPosterDrawer } from './state/media-state.svelte';

const target = document.getElementById('app');
if (!target) throw new Error('Authenta Watch: the page has no #app element.');

/**
 * How long the page waits for the web host's WebSocket before it builds the UI anyway (the
 * handshake takes a few ms on loopback; a host that is away gets the UI's banner instead).
 */
const CONNECT_WAIT_MS = 250;

let api = window.authenta;
let connection: (HostConnection & WsApi) | undefined;
if (!api) {
  // Read once, before anything else sees the address: it takes the token out of the address bar.
  const token = pageToken();
  if (token !== null) {
    // public/early-connect.js opened the socket while this script downloaded: usually open by now.
    const ws = createWsApi({ token, firstSocket: takeEarlySocket(token) });
    api = ws;
    connection = ws;
    // In a browser, dropped files are uploaded into the web host's inbox.
    window.authentaDrop ??= (files) => uploadDroppedFiles(files, { token });
  }
}

if (!api) {
  // Without the token the host answers nothing: say how to get in instead of "reconnecting".
  const note = document.createElement('p');
  note.setAttribute('role', 'alert');
  note.dataset['testid'] = 'no-token';
  note.textContent =
    'Open the address authenta-watch printed at start: it carries the access token (?token=...). ' +
    'Each browser tab keeps it until the tab is closed.';
  target.replaceChildren(note);
} else {
  // In a browser the tab's title and opt-in notifications tell of new fake and suspect verdicts
  // (the desktop app has its own notifications and tray).
  const app = new AppState(
    api,
    browserEffects(window),
    connection
      ? { connection, attention: browserAttentionHost(window), posterDrawer: browserPosterDrawer(document) }
      : { posterDrawer: browserPosterDrawer(document) },
  );
  void app.start();
  window.addEventListener('pagehide', () => app.dispose());
  // In a browser, the first calls (status, the first page of jobs, ...) leave as soon as the
  // WebSocket is open, so the host answers them while the UI is built; building it first would
  // hold the socket's open event, and every call, until the UI was done (issue 12: first rows).
  const build = (): void => void mount(App, { target, props: { app } });
  if (connection) void whenOpen(connection, CONNECT_WAIT_MS).then(build);
  else build();
}
