import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { emptyCounts } from '../../../src/shared/domain';
import { FakeApi, makeFolder, makeJob, makeStatus } from './fake-api';
import { mountApp, seriousA11yProblems, unmountAll, type Harness } from './harness';

vi.setConfig({ testTimeout: 60_000 });

let harness: Harness | undefined;
afterEach(() => {
  unmountAll(harness);
  harness = undefined;
});

const rows = (): HTMLElement[] => screen.queryAllByTestId('job-row');
/** The text as a browser lays it out: runs of white space collapsed. */
const text = (el: Element | null | undefined): string => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();

function thousandsOfJobs(api: FakeApi, count: number): void {
  api.jobs = Array.from({ length: count }, (_, i) =>
    makeJob({
      id: i + 1,
      name: `clip-${i + 1}.mp4`,
      kind: 'video',
      model: 'DF-1',
      createdAt: 1_700_000_000_000 + i,
    }),
  );
}

describe('empty queue', () => {
  it('explains the app, offers a drop zone and adds a typed folder', async () => {
    const api = new FakeApi();
    harness = await mountApp(api);
    const empty = screen.getByTestId('empty-state');
    expect(text(empty)).toContain('checks every new photo and video');
    expect(screen.getByTestId('drop-zone')).toBeTruthy();
    const field = screen.getByTestId('add-folder-path') as HTMLInputElement;
    expect(screen.getByLabelText('Folder to watch (full path)')).toBe(field);
    await fireEvent.input(field, { target: { value: '/srv/newsroom/drop' } });
    await fireEvent.click(screen.getByTestId('add-folder-button'));
    await waitFor(() => expect(api.callsOf('addFolder')).toHaveLength(1));
    expect(api.callsOf('addFolder')[0]?.args).toEqual([{ path: '/srv/newsroom/drop' }]);
    await waitFor(() => expect(text(screen.getByTestId('empty-state'))).toContain('Watching 1 folder'));
    expect(await seriousA11yProblems(harness.container)).toEqual([]);
  });

  it('uses the native picker in Electron', async () => {
    const api = new FakeApi();
    api.capabilities = {
      host: 'electron',
      nativeFolderPicker: true,
      revealInFolder: true,
      dropUploads: false,
      nativeFilePicker: true,
      pdf: true,
    };
    harness = await mountApp(api);
    expect(screen.queryByTestId('add-folder-path')).toBeNull();
    await fireEvent.click(screen.getByTestId('add-folder-button'));
    await waitFor(() => expect(api.callsOf('addFolder')[0]?.args).toEqual([{ path: '/picked/folder' }]));
  });

  it('says how many files the host received, and then what became of each', async () => {
    const api = new FakeApi();
    harness = await mountApp(api, {
      // Like the web host: the big file is refused, the others are received and become jobs at once.
      drop: async () => {
        api.emitJobs([
          { type: 'upsert', job: makeJob({ id: 101, name: 'a.jpg', folderId: null, state: 'waiting' }) },
          { type: 'upsert', job: makeJob({ id: 102, name: 'notes.txt', folderId: null, state: 'waiting' }) },
        ]);
        return {
          accepted: 2,
          rejected: [{ path: 'big.mp4', reason: 'The file is larger than this host accepts.' }],
        };
      },
    });
    const files = [new File(['a'], 'a.jpg'), new File(['b'], 'big.mp4'), new File(['c'], 'notes.txt')];
    const drop = new Event('drop', { bubbles: true, cancelable: true });
    Object.defineProperty(drop, 'dataTransfer', { value: { types: ['Files'], files } });
    screen.getByTestId('drop-zone').dispatchEvent(drop);
    expect(drop.defaultPrevented).toBe(true);
    const result = await screen.findByTestId('drop-result');
    await waitFor(() => expect(text(result)).toContain('2 files received. 2 still being checked'));
    expect(text(result)).toContain('Not received: big.mp4: The file is larger than this host accepts.');
    expect(text(result)).not.toContain('added to the queue');
  });

  it('says so when the host takes no drops', async () => {
    harness = await mountApp(new FakeApi(), { drop: null });
    expect(screen.queryByTestId('choose-files')).toBeNull();
    const drop = new Event('drop', { bubbles: true, cancelable: true });
    Object.defineProperty(drop, 'dataTransfer', {
      value: { types: ['Files'], files: [new File(['a'], 'a.jpg')] },
    });
    window.dispatchEvent(drop);
    expect(text(await screen.findByTestId('drop-result'))).toContain('cannot take dropped files');
  });
});

describe('queue of 10,000 jobs', () => {
  it('counts them all but renders only the visible rows', async () => {
    const api = new FakeApi();
    thousandsOfJobs(api, 10_000);
    harness = await mountApp(api);
    await waitFor(() => expect(text(screen.getByTestId('job-count'))).toContain('10,000 jobs'));
    const shown = rows();
    expect(shown.length).toBeGreaterThan(10);
    expect(shown.length).toBeLessThan(60);
    expect(shown[0]?.dataset.jobId).toBe('10000');
    expect(shown[0]?.getAttribute('aria-setsize')).toBe('10000');
    expect(screen.getByRole('listbox', { name: 'Jobs' })).toBeTruthy();
  });

  it('paints the rows on screen first; those beyond the screen follow after that frame', async () => {
    // Frames run only when the test says so.
    const frames: FrameRequestCallback[] = [];
    vi.stubGlobal('requestAnimationFrame', (fn: FrameRequestCallback) => frames.push(fn));
    try {
      const api = new FakeApi();
      thousandsOfJobs(api, 10_000);
      harness = await mountApp(api);
      await waitFor(() => expect(rows().length).toBeGreaterThan(0));
      // jsdom lays nothing out: the list counts as 720 px tall, 20 rows of 36 px.
      expect(rows()).toHaveLength(20);
      while (frames.length) frames.shift()!(performance.now());
      await waitFor(() => expect(rows()).toHaveLength(26));
      expect(rows()[0]?.dataset.jobId).toBe('10000');
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('asks the host for the first page of jobs before anything else (its answer is the first rows)', async () => {
    const api = new FakeApi();
    api.jobs = [makeJob({ id: 1 })];
    harness = await mountApp(api);
    expect(api.calls[0]?.name).toBe('listJobs');
  });

  it('patches a row in place from a change event, without reloading the list', async () => {
    const api = new FakeApi();
    thousandsOfJobs(api, 10_000);
    harness = await mountApp(api);
    const before = api.callsOf('listJobs').length;
    const job = api.jobs[9_998]!; // the second newest
    api.emitJobs([
      {
        type: 'upsert',
        job: { ...job, state: 'done', verdict: { label: 'fake', confidence: 0.97, faces: 3, deepFakes: 1 } },
      },
    ]);
    await waitFor(() => {
      const row = screen.getAllByTestId('job-row').find((r) => r.dataset.jobId === String(job.id));
      expect(row?.dataset.state).toBe('done');
      expect(row?.dataset.verdict).toBe('fake');
    });
    const row = rows().find((r) => r.dataset.jobId === String(job.id))!;
    const badge = within(row).getByTestId('verdict-badge');
    expect(text(badge)).toContain('Fake');
    expect(text(row)).toContain('97%');
    expect(text(row)).toContain('1/3 faces fake');
    expect(api.callsOf('listJobs')).toHaveLength(before);
  });

  it('shows a new job at the top and the upload progress with speed and time left', async () => {
    const api = new FakeApi();
    thousandsOfJobs(api, 100);
    harness = await mountApp(api);
    const fresh = makeJob({
      id: 500,
      name: 'breaking.mp4',
      state: 'uploading',
      size: 8_000_000,
      createdAt: 1_800_000_000_000,
    });
    api.emitJobs([{ type: 'upsert', job: fresh }]);
    await waitFor(() => expect(rows()[0]?.dataset.jobId).toBe('500'));
    expect(text(screen.getByTestId('job-count'))).toContain('101 jobs');
    api.emitProgress([{ id: 500, bytesSent: 2_000_000, size: 8_000_000, bytesPerSecond: 1_048_576 }]);
    await waitFor(() => expect(text(within(rows()[0]!).getByTestId('upload-progress'))).toContain('25%'));
    const progress = within(rows()[0]!).getByTestId('upload-progress');
    expect(text(progress)).toContain('1.0 MB/s');
    expect(text(progress)).toContain('6 s left');
    expect(within(rows()[0]!).getByRole('progressbar', { hidden: true }).getAttribute('aria-valuenow')).toBe(
      '25',
    );
  });

  it('asks the engine for the chosen filter', async () => {
    const api = new FakeApi();
    api.jobs = [
      makeJob({ id: 1, state: 'failed', errorCode: 'IAM001' }),
      makeJob({ id: 2, state: 'done', verdict: { label: 'authentic', confidence: 0.99 } }),
    ];
    harness = await mountApp(api);
    await fireEvent.change(screen.getByTestId('filter-state'), { target: { value: 'failed' } });
    await waitFor(() => expect(rows().map((r) => r.dataset.jobId)).toEqual(['1']));
    expect(api.callsOf('listJobs').at(-1)?.args[0]).toMatchObject({ states: ['failed'] });
    // Issue 12: the row says why in words, not with the engine's code.
    expect(text(rows()[0])).toContain('the credentials were refused');
    expect(text(rows()[0])).not.toContain('IAM001');
    await fireEvent.click(screen.getByTestId('filter-clear'));
    await waitFor(() => expect(rows()).toHaveLength(2));
  });

  it('exports the filtered report as a file', async () => {
    const api = new FakeApi();
    api.jobs = [makeJob({ id: 1 })];
    api.report = '[{"name":"file-1.jpg"}]';
    harness = await mountApp(api);
    await fireEvent.click(screen.getByTestId('export-json'));
    await waitFor(() => expect(harness?.recorded.downloads).toHaveLength(1));
    expect(harness.recorded.downloads[0]).toMatchObject({
      content: '[{"name":"file-1.jpg"}]',
      mimeType: 'application/json',
    });
    expect(harness.recorded.downloads[0]?.fileName).toMatch(/^authenta-report-\d{4}-\d\d-\d\d-\d{4}\.json$/);
  });
});

describe('keyboard and details', () => {
  it('moves with the arrows, opens with Enter and closes with Esc', async () => {
    const api = new FakeApi();
    thousandsOfJobs(api, 50);
    api.details.set(49, {
      timeline: [
        { state: 'queued', at: 1_700_000_000_000, note: null },
        { state: 'uploading', at: 1_700_000_001_000, note: null },
        { state: 'done', at: 1_700_000_009_000, note: null },
      ],
      raw: { mid: 'm-49', status: 'PROCESSED' },
    });
    harness = await mountApp(api);
    const first = rows()[0]!;
    expect(first.tabIndex).toBe(0);
    expect(rows()[1]!.tabIndex).toBe(-1);
    first.focus();
    await fireEvent.keyDown(first, { key: 'ArrowDown' });
    await waitFor(() => expect((document.activeElement as HTMLElement).dataset.jobId).toBe('49'));
    await fireEvent.keyDown(document.activeElement!, { key: 'Enter' });
    const panel = await screen.findByTestId('job-details');
    await waitFor(() => expect(within(panel).getAllByTestId('timeline-entry')).toHaveLength(3));
    expect(text(within(panel).getByTestId('job-raw'))).toContain('PROCESSED');
    expect(rows()[1]!.getAttribute('aria-selected')).toBe('true');
    await fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('job-details')).toBeNull());
    await waitFor(() => expect((document.activeElement as HTMLElement).dataset.jobId).toBe('49'));
    await fireEvent.keyDown(document.activeElement!, { key: 'End' });
    await waitFor(() => expect((document.activeElement as HTMLElement).dataset.jobId).toBe('1'));
  });

  it('keeps focus on the focused file when a new file pushes it down, so E escalates that file', async () => {
    // The rows are reused as the list changes: without care, focus stays in the same place on
    // screen while another file moves under it, and E marks the file the user never chose.
    const api = new FakeApi();
    thousandsOfJobs(api, 50);
    harness = await mountApp(api);
    const third = rows()[2]!;
    expect(third.dataset.jobId).toBe('48');
    third.focus();
    api.emitJobs([
      { type: 'upsert', job: makeJob({ id: 500, name: 'breaking.mp4', createdAt: 1_800_000_000_000 }) },
    ]);
    await waitFor(() => expect(rows()[0]?.dataset.jobId).toBe('500'));
    await waitFor(() => expect((document.activeElement as HTMLElement).dataset.jobId).toBe('48'));
    await fireEvent.keyDown(document.activeElement!, { key: 'e' });
    await waitFor(() => expect(api.callsOf('setReview')).toHaveLength(1));
    expect(api.callsOf('setReview')[0]?.args).toEqual([48, { status: 'escalated' }]);
  });

  it('scrolled away from the focused file, the list holds focus: E marks that file, an arrow brings it back', async () => {
    const api = new FakeApi();
    thousandsOfJobs(api, 200);
    harness = await mountApp(api);
    const first = rows()[0]!;
    expect(first.dataset.jobId).toBe('200');
    first.focus();
    const scroller = harness.container.querySelector<HTMLElement>('.scroller')!;
    scroller.scrollTop = 36 * 100;
    await fireEvent.scroll(scroller);
    await waitFor(() => expect(rows().some((r) => r.dataset.jobId === '200')).toBe(false));
    // No row shows the file, and none took its place under the keyboard.
    expect(document.activeElement).toBe(screen.getByTestId('job-list'));
    await fireEvent.keyDown(document.activeElement!, { key: 'e' });
    await waitFor(() => expect(api.callsOf('setReview')).toHaveLength(1));
    expect(api.callsOf('setReview')[0]?.args).toEqual([200, { status: 'escalated' }]);
    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
    await waitFor(() => expect((document.activeElement as HTMLElement).dataset.jobId).toBe('199'));
  });

  it('shows a failed job with its error, what to do, and the actions', async () => {
    const api = new FakeApi();
    api.jobs = [
      makeJob({
        id: 7,
        name: 'interview.mp4',
        state: 'failed',
        remoteId: '7f3a-mid',
        sha256: 'ab'.repeat(32),
        errorCode: 'U007',
        errorMessage: 'Not enough credits to process this file.',
      }),
    ];
    api.details.set(7, { hint: 'Buy more credits in the Authenta console, then retry.' });
    harness = await mountApp(api);
    await fireEvent.click(rows()[0]!);
    const panel = await screen.findByTestId('job-details');
    await waitFor(() => expect(text(within(panel).getByTestId('job-error'))).toContain('U007'));
    expect(text(within(panel).getByTestId('job-hint'))).toContain('Buy more credits');
    expect(text(within(panel).getByTestId('job-sha256'))).toBe('ab'.repeat(32));
    expect(text(within(panel).getByTestId('job-mid'))).toBe('7f3a-mid');
    expect(within(panel).queryByTestId('job-reveal')).toBeNull(); // the web host cannot reveal files
    expect(within(panel).queryByTestId('job-cancel')).toBeNull();

    await fireEvent.click(within(panel).getByTestId('job-retry'));
    await waitFor(() => expect(api.callsOf('retryJob')[0]?.args).toEqual([7]));
    await fireEvent.click(within(panel).getByTestId('job-copy-mid'));
    await waitFor(() => expect(harness?.recorded.copied).toEqual(['7f3a-mid']));

    await fireEvent.click(within(panel).getByTestId('job-delete-remote'));
    expect(api.callsOf('deleteRemote')).toHaveLength(0); // asks first
    await fireEvent.click(within(panel).getByTestId('job-delete-remote-confirm'));
    await waitFor(() => expect(api.callsOf('deleteRemote')[0]?.args).toEqual([7]));
    expect(await seriousA11yProblems(harness.container)).toEqual([]);
  });

  it('lists the faces of a video and opens a fresh heatmap link', async () => {
    const api = new FakeApi();
    api.jobs = [
      makeJob({
        id: 3,
        kind: 'video',
        state: 'done',
        remoteId: 'mid-3',
        verdict: {
          label: 'fake',
          faces: 2,
          deepFakes: 1,
          participants: [
            { id: 'p0', fake: true, heatmap: 'https://old.example/expired' },
            { id: 'p1', fake: false },
          ],
        },
      }),
    ];
    harness = await mountApp(api);
    await fireEvent.click(rows()[0]!);
    const panel = await screen.findByTestId('job-details');
    const faces = await within(panel).findAllByTestId('participant-row');
    expect(faces.map((f) => [f.dataset.participantId, f.dataset.fake])).toEqual([
      ['p0', 'true'],
      ['p1', 'false'],
    ]);
    expect(text(faces[0])).toContain('Fake');
    expect(text(faces[1])).toContain('Not fake');
    await fireEvent.click(within(faces[0]!).getByTestId('participant-heatmap'));
    await waitFor(() => expect(harness?.recorded.opened).toEqual([api.linkUrl]));
    expect(api.callsOf('openLink')[0]?.args).toEqual([{ id: 3, kind: 'heatmap', participantId: 'p0' }]);
  });

  it('opens the job a notification asked for', async () => {
    const api = new FakeApi();
    api.jobs = [makeJob({ id: 11, name: 'from-notification.jpg' })];
    harness = await mountApp(api);
    await fireEvent.click(screen.getByTestId('nav-folders'));
    api.emitOpenJob(11);
    const panel = await screen.findByTestId('job-details');
    await waitFor(() => expect(text(panel)).toContain('from-notification.jpg'));
  });
});

describe('header, banners and status bar', () => {
  it('marks the Sandbox as simulated in the header, the rows and the details', async () => {
    const api = new FakeApi();
    api.status = makeStatus({
      profile: {
        id: 'sandbox',
        name: 'Sandbox',
        baseUrl: 'sim://local',
        generation: 'media-client',
        simulated: true,
        hasSecret: true,
      },
    });
    api.jobs = [
      makeJob({ id: 1, simulated: true, state: 'done', verdict: { label: 'authentic', confidence: 0.9 } }),
    ];
    harness = await mountApp(api);
    expect(text(screen.getByTestId('sandbox-badge'))).toBe('Sandbox · simulated results');
    // The profile's name is said once, in the badge.
    expect(text(screen.getByTestId('app-header')).match(/Sandbox/g)).toHaveLength(1);
    expect(screen.queryByTestId('active-profile')).toBeNull();
    expect(text(within(rows()[0]!).getByTestId('simulated-tag'))).toBe('Simulated');
    await fireEvent.click(rows()[0]!);
    const panel = await screen.findByTestId('job-details');
    await waitFor(() => expect(text(within(panel).getByTestId('simulated-tag'))).toContain('Simulated'));
  });

  it('names a real profile in the header, without a Sandbox badge', async () => {
    harness = await mountApp(new FakeApi());
    expect(text(screen.getByTestId('active-profile'))).toBe('Newsroom');
    expect(screen.queryByTestId('sandbox-badge')).toBeNull();
  });

  it('shows a quota block with the engine words and a resume button', async () => {
    const api = new FakeApi();
    harness = await mountApp(api);
    const retryAt = 1_700_000_500_000 + 15 * 60_000;
    api.emitStatus(
      makeStatus({
        paused: true,
        blocks: [
          {
            kind: 'quota-mutation',
            code: 'AA001',
            message: 'The Mutation quota of this key is used up.',
            action: 'Wait for the quota window to reset or raise the quota in the Authenta console.',
            since: 1,
            retryAt,
          },
        ],
      }),
    );
    const banner = await screen.findByTestId('banner-quota-mutation');
    expect(text(banner)).toContain('Upload quota reached');
    expect(text(banner)).toContain('The Mutation quota of this key is used up.');
    expect(text(banner)).toContain('raise the quota');
    expect(text(within(banner).getByTestId('banner-retry-at'))).toContain('in 15 min');
    expect(screen.queryByTestId('banner-paused')).toBeNull();
    expect(screen.getByTestId('resume-all')).toBeTruthy();
    await fireEvent.click(within(banner).getByTestId('banner-resume'));
    await waitFor(() => expect(api.callsOf('resumeAll')).toHaveLength(1));
  });

  it('sends credential problems to the account settings', async () => {
    const api = new FakeApi();
    api.status = makeStatus({
      blocks: [
        {
          kind: 'auth',
          code: 'IAM001',
          message: 'The client secret was rejected.',
          action: 'Enter it again.',
          since: 1,
          retryAt: null,
        },
      ],
    });
    harness = await mountApp(api);
    const banner = screen.getByTestId('banner-auth');
    expect(banner.getAttribute('role')).toBe('alert');
    expect(text(banner)).toContain('Credentials rejected');
    await fireEvent.click(within(banner).getByTestId('banner-account'));
    expect(await screen.findByRole('heading', { name: 'Account' })).toBeTruthy();
  });

  it('pauses everything from the header', async () => {
    const api = new FakeApi();
    harness = await mountApp(api);
    await fireEvent.click(screen.getByTestId('pause-all'));
    await waitFor(() => expect(screen.getByTestId('resume-all')).toBeTruthy());
    expect(text(screen.getByTestId('banner-paused'))).toContain('Queue paused');
  });

  it('sums up uploads, verdicts waiting, calls today and watchers', async () => {
    const api = new FakeApi();
    api.status = makeStatus({
      uploads: { inFlight: 2, bytesPerSecond: 3 * 1024 * 1024 },
      counts: { ...emptyCounts(), processing: 7 },
      callsToday: { query: 1234, mutation: 56 },
      folders: [
        makeFolder({ id: 'a' }),
        makeFolder({ id: 'b', health: { state: 'unavailable', message: 'Gone.', lastEventAt: null } }),
      ],
    });
    harness = await mountApp(api);
    const bar = screen.getByTestId('status-bar');
    expect(text(within(bar).getByTestId('status-uploads'))).toMatch(/2\s*· 3\.0 MB\/s/);
    expect(text(within(bar).getByTestId('status-waiting'))).toContain('7');
    expect(text(within(bar).getByTestId('status-calls'))).toMatch(/1,234 look-ups · 56 sends/);
    expect(text(within(bar).getByTestId('status-watchers'))).toContain('1 watching, 1 unavailable');
    expect(text(screen.getByTestId('banner-folder'))).toContain('Gone.');
  });
});

describe('folders view', () => {
  it('shows health, pauses, and saves settings', async () => {
    const api = new FakeApi();
    api.status = makeStatus({
      folders: [
        makeFolder({
          id: 'f1',
          path: '/mnt/share/drop',
          health: {
            state: 'polling',
            message: 'Network share: polling every 2 s.',
            lastEventAt: 1_700_000_400_000,
          },
        }),
      ],
    });
    harness = await mountApp(api);
    await fireEvent.click(screen.getByTestId('nav-folders'));
    const item = await screen.findByTestId('folder-item');
    expect(item.dataset.health).toBe('polling');
    expect(text(within(item).getByTestId('folder-health'))).toContain('Network share: polling every 2 s.');
    await fireEvent.click(within(item).getByTestId('folder-pause'));
    await waitFor(() => expect(api.callsOf('pauseFolder')[0]?.args).toEqual(['f1']));
    await fireEvent.click(within(item).getByTestId('folder-polling'));
    await fireEvent.input(within(item).getByTestId('folder-ignore'), { target: { value: '*.part\n' } });
    await fireEvent.change(within(item).getByTestId('folder-after'), { target: { value: 'sidecar' } });
    await fireEvent.click(within(item).getByTestId('folder-save'));
    await waitFor(() => expect(api.callsOf('updateFolder')).toHaveLength(1));
    expect(api.callsOf('updateFolder')[0]?.args[1]).toMatchObject({
      usePolling: true,
      ignore: ['*.part'],
      after: 'sidecar',
    });
    await fireEvent.click(within(item).getByTestId('folder-remove'));
    await fireEvent.click(within(item).getByTestId('folder-remove-confirm'));
    await waitFor(() => expect(api.callsOf('removeFolder')[0]?.args).toEqual(['f1']));
    expect(await seriousA11yProblems(harness.container)).toEqual([]);
  });
});

describe('account view', () => {
  async function openAccount(api: FakeApi): Promise<void> {
    harness = await mountApp(api);
    await fireEvent.click(screen.getByTestId('nav-account'));
  }

  it('takes a secret write-only and then says it is in the keychain', async () => {
    const api = new FakeApi();
    api.profiles = [
      {
        id: 'p1',
        name: 'Newsroom',
        baseUrl: 'https://platform.authenta.ai/api',
        generation: 'media-client',
        simulated: false,
        hasSecret: false,
      },
    ];
    api.activeProfileId = 'p1';
    await openAccount(api);
    const secret = (await screen.findByTestId('account-client-secret')) as HTMLInputElement;
    expect(secret.type).toBe('password');
    expect(secret.value).toBe('');
    expect(screen.getByLabelText('Client secret')).toBe(secret);
    await fireEvent.input(screen.getByTestId('account-client-id'), { target: { value: 'client-42' } });
    await fireEvent.input(secret, { target: { value: 'hunter2' } });
    await fireEvent.click(screen.getByTestId('account-store-secret'));
    await waitFor(() =>
      expect(text(screen.getByTestId('account-secret-stored'))).toContain('Stored in keychain'),
    );
    expect(api.secrets.get('p1')).toEqual({ clientId: 'client-42', clientSecret: 'hunter2' });
    expect((screen.getByTestId('account-client-secret') as HTMLInputElement).value).toBe('');
    expect(harness?.container.innerHTML).not.toContain('hunter2');

    api.connection = { ok: true, generation: 'media-apikey', code: null, message: 'The server answered.' };
    await fireEvent.click(screen.getByTestId('account-test'));
    const result = await screen.findByTestId('account-test-result');
    expect(text(result)).toContain('Connected.');
    expect(text(result)).toContain('Media API: API key');
    await fireEvent.click(screen.getByTestId('account-use-detected'));
    await waitFor(() =>
      expect(api.callsOf('saveProfile')[0]?.args[0]).toMatchObject({ id: 'p1', generation: 'media-apikey' }),
    );
    expect(await screen.findByTestId('account-api-key')).toBeTruthy();
    expect(await seriousA11yProblems(harness!.container)).toEqual([]);
  });

  it('says plainly when there is no keychain and how to use the environment', async () => {
    const api = new FakeApi();
    api.status = makeStatus({
      keychain: { available: false, message: 'No Secret Service on this session bus.' },
    });
    api.profiles = [
      {
        id: 'p1',
        name: 'Server',
        baseUrl: 'https://platform.authenta.ai/api',
        generation: 'jobs-v1',
        simulated: false,
        hasSecret: false,
      },
    ];
    api.activeProfileId = 'p1';
    await openAccount(api);
    const warning = await screen.findByTestId('keychain-warning');
    expect(text(warning)).toContain('The system keychain is not available here');
    expect(text(warning)).toContain('No Secret Service on this session bus.');
    expect(text(warning)).toContain('AUTHENTA_API_KEY');
    expect(screen.queryByTestId('account-api-key')).toBeNull();
  });

  it('creates a profile for another API generation', async () => {
    const api = new FakeApi();
    await openAccount(api);
    await fireEvent.click(screen.getByTestId('account-new'));
    await fireEvent.input(screen.getByTestId('account-name'), { target: { value: 'Staging' } });
    await fireEvent.input(screen.getByTestId('account-base-url'), {
      target: { value: 'https://staging.example/api' },
    });
    await fireEvent.change(screen.getByTestId('account-generation'), { target: { value: 'jobs-v1' } });
    await fireEvent.click(screen.getByTestId('account-save'));
    await waitFor(() =>
      expect(api.callsOf('saveProfile')[0]?.args[0]).toEqual({
        name: 'Staging',
        baseUrl: 'https://staging.example/api',
        generation: 'jobs-v1',
      }),
    );
    expect(await screen.findByTestId('account-api-key')).toBeTruthy();
  });
});

describe('subscriptions', () => {
  it('unsubscribes from every event on dispose', async () => {
    const api = new FakeApi();
    harness = await mountApp(api);
    // jobsChanged, progress, status, openJob and teamLedger (the team ledger banner).
    expect(api.listenerCount()).toBe(5);
    harness.app.dispose();
    expect(api.listenerCount()).toBe(0);
  });
});
