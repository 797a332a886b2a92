import { describe, expect, it } from 'vitest';
import { toWireError } from '../../../../src/shared/wire-error';
import { WEB_CAPABILITIES, mediaBaseOf, runWebCommand } from '../../../../src/main/headless/web/web-commands';
import { RecordingApi } from '../../../integration/headless/recording-api';

const KEY = 'media-key';

async function wireErrorOf(p: Promise<unknown>): Promise<{ message: string; code: string | null }> {
  return p.then(
    () => {
      throw new Error('the command succeeded');
    },
    (e: unknown) => toWireError(e),
  );
}

describe('runWebCommand', () => {
  it('hands engine commands to the engine with validated arguments', async () => {
    const recording = new RecordingApi();
    await runWebCommand(recording.api, 'retryJob', [5], KEY);
    expect(recording.calls).toEqual([{ command: 'retryJob', args: [5] }]);
  });

  it('answers what a browser cannot do without asking the engine', async () => {
    const recording = new RecordingApi();
    expect(await runWebCommand(recording.api, 'getCapabilities', [], KEY)).toBe(WEB_CAPABILITIES);
    expect(await runWebCommand(recording.api, 'pickFolder', [], KEY)).toBeNull();
    expect(await runWebCommand(recording.api, 'pickFiles', [], KEY)).toEqual([]);
    expect(await runWebCommand(recording.api, 'getMediaBase', [], KEY)).toBe(`/media/${KEY}`);
    expect(recording.calls).toEqual([]);
  });

  it.each([
    ['savePdf', "use your browser's Print"],
    ['revealJob', 'the path is shown in the job details'],
  ])('%s is NOT_SUPPORTED and says what to do instead', async (command, advice) => {
    const recording = new RecordingApi();
    const args = command === 'revealJob' ? [1] : ['Case report'];
    const error = await wireErrorOf(runWebCommand(recording.api, command, args, KEY));
    expect(error.code).toBe('NOT_SUPPORTED');
    expect(error.message).toContain(advice);
    expect(recording.calls).toEqual([]);
  });

  it('refuses a name outside the contract as UNKNOWN_COMMAND', async () => {
    const recording = new RecordingApi();
    expect(await wireErrorOf(runWebCommand(recording.api, 'formatDisk', [], KEY))).toEqual({
      message: 'Unknown command "formatDisk".',
      code: 'UNKNOWN_COMMAND',
    });
  });

  it('refuses arguments the contract does not accept, before the engine sees them', async () => {
    const recording = new RecordingApi();
    const error = await wireErrorOf(runWebCommand(recording.api, 'getJob', ['one'], KEY));
    expect(error.code).toBe('INVALID_ARGS');
    expect(recording.calls).toEqual([]);
  });

  it('builds the media base from the key', () => {
    expect(mediaBaseOf('abc')).toBe('/media/abc');
  });
});
