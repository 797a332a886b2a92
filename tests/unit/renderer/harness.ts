/**
 * Mounts the whole app on the in-memory API for component tests, with effects that record what
 * the UI asked for (downloads, clipboard, opened links, dropped files) instead of doing it.
 */
import { cleanup, configure, render } from '@testing-library/svelte';
import axe from 'axe-core';
import App from '../../../src/renderer/src/App.svelte';
import type { DropResult } from '../../../src/shared/contract';
import type { UiEffects } from '../../../src/renderer/src/lib/effects';
import { AppState } from '../../../src/renderer/src/state/app-state.svelte';
import type { FakeApi } from './fake-api';

// jsdom has no layout and no ResizeObserver (Svelte's bind:clientHeight uses one): an observer
// that never fires leaves the list at its fallback height, as a hidden window would.
globalThis.ResizeObserver ??= class {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
};

// A loaded 2-core machine can take a while to render 10,000 rows' worth of state: wait generously.
configure({ asyncUtilTimeout: 10_000 });

export interface Recorded {
  downloads: { fileName: string; content: string; mimeType: string }[];
  copied: string[];
  opened: string[];
  dropped: File[][];
}

export interface Harness {
  api: FakeApi;
  app: AppState;
  recorded: Recorded;
  container: HTMLElement;
}

export interface HarnessOptions {
  /** The host's drop hook; null: this host takes no drops. */
  drop?: ((files: File[]) => Promise<DropResult>) | null;
  now?: number;
}

/** Mount the app on `api` and wait until its first load is done. */
export async function mountApp(api: FakeApi, options: HarnessOptions = {}): Promise<Harness> {
  const recorded: Recorded = { downloads: [], copied: [], opened: [], dropped: [] };
  const drop =
    options.drop === null
      ? undefined
      : (options.drop ??
        (async (files: File[]): Promise<DropResult> => {
          recorded.dropped.push(files);
          return { accepted: files.length, rejected: [] };
        }));
  const effects: UiEffects = {
    now: () => options.now ?? 1_700_000_500_000,
    openUrl: (url) => {
      recorded.opened.push(url);
      return true;
    },
    copyText: async (text) => {
      recorded.copied.push(text);
    },
    download: (fileName, content, mimeType) => {
      recorded.downloads.push({ fileName, content, mimeType });
    },
    dropHook: () => drop,
  };
  const app = new AppState(api, effects);
  const started = app.start();
  const { container } = render(App, { props: { app } });
  await started;
  return { api, app, recorded, container };
}

/** Unmount and unsubscribe everything a test mounted. */
export function unmountAll(harness: Harness | undefined): void {
  harness?.app.dispose();
  cleanup();
}

/** The serious and critical accessibility problems axe finds (colour contrast needs a real browser). */
export async function seriousA11yProblems(root: HTMLElement): Promise<string[]> {
  const results = await axe.run(root, {
    rules: { 'color-contrast': { enabled: false } },
    resultTypes: ['violations'],
  });
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}
