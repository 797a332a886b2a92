// Sets up the browser's date and number formatting (ICU) on a thread of its own, started by
// early-connect.js. The first formatting in a new tab loads ICU's locale and time zone data, 30-100 ms
// of work; that data is shared by the page's threads, so done here it no longer holds the page's
// own thread on the way to the queue's first rows (issue 12). Nothing is sent back.
try {
  new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }).format(0);
  (0).toLocaleString();
} catch {
  // Only a head start.
}
close();
