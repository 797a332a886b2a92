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
      // The formatting is set up once the page is asked for, while the host answers: set up
      // first, it held the open event, and so the question, back as long (30-100 ms when loaded).
      socket.addEventListener('open', () => {
        socket.send(JSON.stringify(first));
        setUpFormatting();
      });
      window.authentaEarlySocket = { token, url, socket, messages, first };
      return;
    }
  } catch {
    // The app connects by itself.
  }
  setUpFormatting();

  function setUpFormatting() {
    try {
      new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }).format(0);
      (0).toLocaleString();
    } catch {
      // Only a head start.
    }
  }
})();
