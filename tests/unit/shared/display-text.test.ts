import { describe, expect, it } from 'vitest';
import { count, escapeControl, withArticle } from '../../../src/shared/display-text';

describe('escapeControl', () => {
  it.each([
    ['photo.jpg', 'photo.jpg'],
    ['Überprüfung – 東京 😀.mp4', 'Überprüfung – 東京 😀.mp4'],
    ['a\r\x1b[2Kdone', 'a\\r\\x1b[2Kdone'],
    ['line\nnext\ttab', 'line\\nnext\\ttab'],
    ['bell\x07 del\x7f csi\x9b', 'bell\\x07 del\\x7f csi\\x9b'],
    ['gpj.\u202eexe', 'gpj.\\u202eexe'],
    ['zero\u200bwidth\ufeff', 'zero\\u200bwidth\\ufeff'],
  ])('%j -> %j', (input, shown) => expect(escapeControl(input)).toBe(shown));
});

describe('withArticle', () => {
  it.each([
    ['JPEG', 'a JPEG'],
    ['GIF', 'a GIF'],
    ['MP4', 'an MP4'],
    ['AVIF', 'an AVIF'],
    ['application/x-sqlite3', 'an application/x-sqlite3'],
    ['heatmap', 'a heatmap'],
    ['detailed result', 'a detailed result'],
    ['QuickTime (MOV)', 'a QuickTime (MOV)'],
  ])('%s -> %s', (noun, text) => expect(withArticle(noun)).toBe(text));
});

describe('count', () => {
  it.each<[number, string, string]>([
    [1, 'minute', '1 minute'],
    [2, 'minute', '2 minutes'],
    [0, 'file', '0 files'],
  ])('%d %s -> %s', (n, unit, text) => expect(count(n, unit)).toBe(text));
});
