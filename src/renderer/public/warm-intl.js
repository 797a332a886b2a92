// Sets up the browser's date and number formatting (ICU) on a thread of its own, started by
// early-connect.js. The first formatting in a new tab loads ICU's locale and time zone data, 30-100 ms
// of work; that data is shared by the page's threads, so done here it no longer holds the page's
// own thread on the way to the queue's first rows (issue 12). Nothing is sent back.
// The option sets the queue's rows use (src/renderer/src/lib/format.ts: formatTime's three and
// formatDateTime's), so their month names and patterns are loaded too.
try {
  for (const options of [
    { hour: '2-digit', minute: '2-digit' },
    { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' },
    { day: 'numeric', month: 'short', year: 'numeric' },
    {
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    },
  ])
    new Intl.DateTimeFormat(undefined, options).format(0);
  (0).toLocaleString();
} catch {
  // Only a head start.
}
close();
