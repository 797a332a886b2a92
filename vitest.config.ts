import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The tests read numbers and dates as an English-speaking user sees them ("1,200 jobs"). A
// machine set to another language (LANG=de_DE.UTF-8 shows "1.200 jobs") would fail them, so
// every test process (the workers forked from here, the CLIs and the Chromium they start) runs
// in C.UTF-8, which formats as en-US. Set here, before any worker starts: Node reads the locale
// once, at start-up.
process.env.LC_ALL = 'C.UTF-8';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          exclude: ['tests/unit/renderer/**'],
          environment: 'node',
          // The contract's names, which the build compiles into src/main/ipc-channels.ts.
          setupFiles: ['tests/helpers/contract-names.setup.ts'],
        },
      },
      {
        plugins: [svelte()],
        // Svelte 5 components mount under Vitest only with the browser build of svelte.
        resolve: { conditions: ['browser'] },
        test: {
          name: 'component',
          include: ['tests/unit/renderer/**/*.test.ts'],
          environment: 'jsdom',
          // The contract's names, which the build compiles into the renderer's WebSocket client.
          setupFiles: ['tests/helpers/contract-names.setup.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['tests/helpers/contract-names.setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
