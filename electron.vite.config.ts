import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { CONTRACT_DEFINE } from './src/shared/contract';

export default defineConfig({
  main: {
    // The IPC layer's command and event names, from the contract's tables (src/main/ipc-channels.ts).
    define: CONTRACT_DEFINE,
    build: {
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/main/index.ts') },
      },
    },
  },
  preload: {
    // The sandboxed preload cannot load zod, so the contract's names are compiled into it.
    define: CONTRACT_DEFINE,
    build: {
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        // A sandboxed preload cannot load ES modules: emit one CommonJS script.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    // The contract's names for the WebSocket client (src/renderer/src/lib/contract-names.ts), so
    // the page does not load zod and build the contract's schemas before its first rows.
    define: CONTRACT_DEFINE,
    build: {
      minify: true,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/renderer/index.html') },
        // The shared modules the page imports constants from (domain.ts, history.ts) also build
        // zod schemas at load. Building a schema does nothing else, so schemas the page never
        // uses are dropped, and zod with them (a third of the bundle, and the most script run
        // before the first rows: issue 12).
        treeshake: { manualPureFunctions: ['z'] },
      },
    },
    plugins: [svelte({ configFile: resolve(__dirname, 'svelte.config.js') })],
  },
});
