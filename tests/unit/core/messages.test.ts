import { describe, expect, it } from 'vitest';
import {
  cancelledMessage,
  changedMessage,
  duplicateMessage,
  folderRemovedMessage,
  noJobMessage,
  remoteGoneMessage,
  vanishedMessage,
} from '../../../src/main/core/messages';

describe('the sentences written into a job', () => {
  it.each<[string, string, string]>([
    [
      'vanished before it was checked',
      vanishedMessage('a.png'),
      'a.png was moved or deleted before it could be checked. Put it back to check it.',
    ],
    [
      'vanished before it was sent',
      vanishedMessage('a.png', 'sent'),
      'a.png was moved or deleted before it was sent. Put it back to check it.',
    ],
    [
      'changed while queued',
      changedMessage('a.png', 7, 'unsent'),
      'a.png changed before it was sent; the new version is job #7.',
    ],
    [
      'changed after it was checked, with its new job',
      changedMessage('a.png', 7, 'checked'),
      'a.png changed after it was checked, so that version was not sent. The new version is job #7.',
    ],
    [
      'changed after it was checked, no new job (gone meanwhile)',
      changedMessage('a.png', null, 'checked'),
      'a.png changed after it was checked, so that version was not sent.',
    ],
    ['cancelled', cancelledMessage(), 'Cancelled.'],
    ['cancelled during the upload', cancelledMessage(true), 'Cancelled during the upload.'],
    [
      'record gone before processing',
      remoteGoneMessage('processing'),
      'The record was deleted on Authenta before processing started. Retry to send the file again.',
    ],
    [
      'record gone before the verdict',
      remoteGoneMessage('verdict'),
      'The record was deleted on Authenta before it had a verdict. Retry to send the file again.',
    ],
    ['folder no longer watched', folderRemovedMessage('a.png'), "a.png's folder is no longer watched."],
    [
      'folder just removed',
      folderRemovedMessage('a.png', '/in'),
      'a.png was not sent: its folder /in is no longer watched.',
    ],
    [
      'duplicate',
      duplicateMessage({ id: 3, name: 'b.png' }, 'AC-1'),
      'Same bytes as job #3 (b.png), already checked with AC-1: its verdict is shown.',
    ],
    ['no such job', noJobMessage(9), 'There is no job #9.'],
  ])('%s', (_name, actual, expected) => {
    expect(actual).toBe(expected);
  });
});
