// `node --import tsx --import ./register-fake-electron.mjs child.ts`
import { register } from 'node:module';

register('./electron-hooks.mjs', import.meta.url);
