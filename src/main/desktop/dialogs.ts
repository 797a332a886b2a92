/**
 * The desktop's native dialogs: the folder and file pickers and the case report's save-as-PDF.
 * Each opens over the window when it shows (a sheet on macOS), else on its own.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { app, dialog } from 'electron';
import type { MainWindow } from './main-window';

/** What the file picker offers first: the photos and videos the app can check. */
const MEDIA_EXTENSIONS = ['jpg', 'jpeg', 'png', 'mp4', 'mov', 'webm', 'mp3', 'wav', 'm4a', 'pdf'];

/** A file name for a report titled `title`: letters, digits, spaces, dots and dashes only. */
export function pdfFileName(title: string): string {
  const base = title
    .replace(/[^\p{L}\p{N} ._-]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '')
    .slice(0, 120);
  return `${base || 'Case report'}.pdf`;
}

/** The native folder picker, over the window when it shows; null when cancelled. */
export async function pickFolder(window: MainWindow | null): Promise<string | null> {
  const owner = window?.isVisible() ? window.browserWindow : null;
  const options: Electron.OpenDialogOptions = {
    title: 'Choose a folder to watch',
    buttonLabel: 'Watch this folder',
    properties: ['openDirectory', 'createDirectory'],
  };
  const result = owner ? await dialog.showOpenDialog(owner, options) : await dialog.showOpenDialog(options);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

/** The native picker of photos and videos (several at once); empty when cancelled. */
export async function pickFiles(window: MainWindow | null): Promise<string[]> {
  const owner = window?.isVisible() ? window.browserWindow : null;
  const options: Electron.OpenDialogOptions = {
    title: 'Choose files to check',
    buttonLabel: 'Check these files',
    properties: ['openFile', 'multiSelections'],
    filters: [
      { name: 'Photos and videos', extensions: MEDIA_EXTENSIONS },
      { name: 'All files', extensions: ['*'] },
    ],
  };
  const result = owner ? await dialog.showOpenDialog(owner, options) : await dialog.showOpenDialog(options);
  return result.canceled ? [] : result.filePaths;
}

/** Prints the window as it shows the case report to a PDF where the user says; null when cancelled. */
export async function savePdf(window: MainWindow | null, title: string): Promise<string | null> {
  const contents = window?.webContents;
  if (!window || !contents) throw new Error('The window is not open, so there is nothing to print.');
  const options: Electron.SaveDialogOptions = {
    title: 'Save the case report as PDF',
    buttonLabel: 'Save PDF',
    defaultPath: join(app.getPath('documents'), pdfFileName(title)),
    filters: [{ name: 'PDF', extensions: ['pdf'] }],
  };
  const owner = window.isVisible() ? window.browserWindow : null;
  const result = owner ? await dialog.showSaveDialog(owner, options) : await dialog.showSaveDialog(options);
  if (result.canceled || !result.filePath) return null;
  const pdf = await contents.printToPDF({ printBackground: true, pageSize: 'A4' });
  await writeFile(result.filePath, pdf);
  return result.filePath;
}
