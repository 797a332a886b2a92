/**
 * The renderer's entry: the contract comes from the preload (Electron) or, in a browser, from the
 * WebSocket client; the UI knows nothing else of its host.
 */
import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { browserEffects } from './lib/effects';
import { createWsApi, pageToken, uploadDroppedFiles } from './lib/ws-api';
import { AppState, type HostConnection } from './state/app-state.svelte';
import { browserAttentionHost } from './state/attention-state.svelte';
import { browserPosterDrawer } from './state/media-state.svelte';

const target = document.getElementById('app');
if (!target) throw new Error('Authenta Watch: the page has no #app element.');

let api = window.authenta;
let connection: HostConnection | undefined;
if (!api) {
  // Read once, before anything else sees the address: it takes the token out of the address bar.
  const token = pageToken();
  if (token !== null) {
    const ws = createWsApi({ token });
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
  mount(App, { target, props: { app } });
}
