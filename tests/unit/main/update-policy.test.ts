import { describe, expect, it } from 'vitest';
import {
  downloadQuestion,
  meteredFrom,
  nextCheckIn,
  releaseNotesText,
  UPDATE_CHECK_INTERVAL_MS,
  updateFeed,
} from '../../../src/main/desktop/update-policy';

const DAY = UPDATE_CHECK_INTERVAL_MS;

describe('updateFeed', () => {
  it.each([
    { url: null, on: false, words: /no update feed configured/ },
    { url: '  ', on: false, words: /no update feed configured/ },
    { url: 'not a url', on: false, words: /not a web address/ },
    { url: 'http://updates.example.com/aw', on: false, words: /must be an https/ },
    { url: 'https://updates.example.com/aw/', on: true, words: null },
    { url: 'http://127.0.0.1:8080/feed', on: true, words: null },
  ])('$url -> on: $on', ({ url, on, words }) => {
    const feed = updateFeed(url);
    expect(feed.on).toBe(on);
    if (!feed.on) expect(feed.reason).toMatch(words!);
  });
});

describe('nextCheckIn', () => {
  it.each([
    { last: null, now: 5, wait: 0 },
    { last: 0, now: 1000, wait: DAY - 1000 },
    { last: 0, now: DAY, wait: 0 },
    { last: 0, now: DAY * 3, wait: 0 },
  ])('last $last, now $now: wait $wait', ({ last, now, wait }) => {
    expect(nextCheckIn(last, now)).toBe(wait);
  });
});

describe('metered connections', () => {
  it.each([
    { hints: null, metered: null },
    { hints: {}, metered: null },
    { hints: { type: 'wifi' }, metered: null },
    { hints: { type: 'ethernet', saveData: false }, metered: null },
    { hints: { saveData: true }, metered: true },
    { hints: { type: 'cellular' }, metered: true },
  ])('$hints -> $metered (nothing proves a desktop link unmetered)', ({ hints, metered }) => {
    expect(meteredFrom(hints)).toBe(metered);
  });

  it('asks before every download, saying why', () => {
    expect(downloadQuestion('1.2.0', 98_000_000, true)).toBe(
      'Authenta Watch 1.2.0 is available (98 MB). This connection looks metered (mobile data or data saver is on): downloading may cost you. Download it now?',
    );
    expect(downloadQuestion('1.2.0', null, null)).toMatch(
      /cannot tell whether this connection is metered, so it asks/,
    );
  });
});

describe('releaseNotesText', () => {
  it.each([
    { notes: null, text: 'No release notes came with this update.' },
    {
      notes: '<h2>Fixes</h2><ul><li>Faster &amp; safer</li><li>Less quota</li></ul>',
      text: 'Fixes\n• Faster & safer\n• Less quota',
    },
    {
      notes: [
        { version: '1.2.0', note: '<p>New history view</p>' },
        { version: '1.1.0', note: null },
      ],
      text: '1.2.0\nNew history view\n\n1.1.0\n(no notes)',
    },
  ])('$text', ({ notes, text }) => {
    expect(releaseNotesText(notes)).toBe(text);
  });
});
