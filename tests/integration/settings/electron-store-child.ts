// Runs ElectronSettingsStore (real electron-store, fake electron) in a child process:
//   child.ts <dir> read            prints {path, settings}
//   child.ts <dir> write <json>    saves the settings given, then prints {path, settings}
import { ElectronSettingsStore } from '../../../src/main/desktop/electron-settings-store';
import type { Settings } from '../../../src/shared/settings';

const [dir, mode, json] = process.argv.slice(2);
if (!dir) throw new Error('usage: electron-store-child.ts <dir> read|write [json]');
const store = new ElectronSettingsStore(dir);
try {
  if (mode === 'write') await store.save(JSON.parse(json ?? '{}') as Settings);
  const settings = await store.load();
  process.stdout.write(JSON.stringify({ path: store.path, settings }));
} catch (error) {
  process.stdout.write(JSON.stringify({ error: (error as Error).message }));
}
