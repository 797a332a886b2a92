// The web host's WebSocket, opened while the page's script is still downloading and compiling,
// with the queue's first page asked for on it, and the browser's date and number formatting (ICU)
// set up meanwhile: all otherwise wait until the script runs, and all are on the way to the first
// rows of the queue (issue 12). Plain
// script, no imports, run as soon as it arrives; the app's client takes the socket over
// (takeEarlySocket in src/lib/ws-api.ts) and its messages so far. It must open the socket as the
// client would (src/shared/wire-client.ts: the path, the protocols, the token's parameter and
// storage key): tests/unit/renderer/lib/ws-api.test.ts runs it against the client.
(() => {
  try {
    // Read only: the app's pageToken moves the token out of the address bar.
    const token =
      new URL(location.href).searchParams.get('token') || sessionStorage.getItem('authenta-watch.token');
    if (token && typeof WebSocket === 'function' && /^https?:$/.test(location.protocol)) {
      const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
      const socket = new WebSocket(url, ['authenta-watch', `authenta-token.${token}`]);
      const messages = [];
      socket.onmessage = (event) => messages.push(event.data);
      // The queue's first page, asked for as the queue will ask (JobsState.reload: the default
      // filter, FIRST_PAGE_SIZE rows); the client hands the answer to that call (id 0 is never
      // one of the client's own).
      const first = {
        id: 0,
        command: 'listJobs',
        args: [{ sort: 'createdAt', order: 'desc', offset: 0, limit: 100 }],
      };
      // The formatting is set up on a thread of its own (warm-intl.js), from now on, while the
      // bundle downloads. Where no worker can start, it is set up here once the page is asked
      // for: set up first, it held the open event, and so the question, back as long (30-100 ms
      // when loaded).
      const warmed = warmOffThread();
      socket.addEventListener('open', () => {
        socket.send(JSON.stringify(first));
        if (!warmed) setUpFormatting();
      });
      window.authentaEarlySocket = { token, url, socket, messages, first };
      return;
    }
  } catch {
    // The app connects by itself.
  }
  setUpFormatting();

  /**
   * Start warm-intl.js (beside index.html); false when no worker can start here. One that cannot
   * load (a policy, a missing file) sets the formatting up here instead when it says so.
   */
  function warmOffThread() {
    try {
      if (typeof Worker !== 'function') return false;
      const worker = new Worker('./warm-intl.js');
      worker.onerror = () => setUpFormatting();
      return true;
    } catch {
      return false;
    }
  }

  function setUpFormatting() {
    try {
      new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }).format(0);
      (0).toLocaleString();
    } catch {
      // Only a head start.
    }
  }
})();
