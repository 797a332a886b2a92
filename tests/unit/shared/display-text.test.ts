import { describe, expect, it } from 'vitest';
import { escapeControl } from '../../../src/shared/display-text';

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
