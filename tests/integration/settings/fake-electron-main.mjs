// What electron-store reads of Electron's main process: userData and the app's version.
const app = {
  getPath: (name) => {
    if (name !== 'userData') throw new Error(`fake electron: no path "${name}"`);
    return process.env.FAKE_ELECTRON_USER_DATA;
  },
  getVersion: () => '0.1.0',
};
const ipcMain = { on: () => ipcMain };
export { app, ipcMain };
export default { app, ipcMain };
