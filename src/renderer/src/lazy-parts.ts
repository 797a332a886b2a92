/**
 * The parts of the UI the first screen does not show, loaded on first use (issue 12: the first
 * rows of the queue come before their code is downloaded and run), and all of them once the
 * queue is loaded and the user is at the page (App.svelte), so that the first click on one shows
 * it at once.
 */
import { LazyComponent } from './lib/lazy-component.svelte';

export const LAZY_PARTS = {
  folders: new LazyComponent(() => import('./folders/FoldersView.svelte')),
  account: new LazyComponent(() => import('./account/AccountView.svelte')),
  history: new LazyComponent(() => import('./history/HistoryView.svelte')),
  settings: new LazyComponent(() => import('./settings/SettingsView.svelte')),
  report: new LazyComponent(() => import('./report/CaseReport.svelte')),
  details: new LazyComponent(() => import('./details/JobDetails.svelte')),
};

/** Load the code of every lazy part; resolves when all are loaded or have failed. */
export async function loadLazyParts(): Promise<void> {
  await Promise.all(Object.values(LAZY_PARTS).map((part) => part.load()));
}
