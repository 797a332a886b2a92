#!/usr/bin/env node
// Bundles the headless entry points (the `authenta-watch` CLI with its web host, and the
// standalone simulator) into out/cli with Vite in SSR mode; dependencies stay external.
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

await build({
  root,
  configFile: false,
  logLevel: 'warn',
  build: {
    ssr: true,
    outDir: resolve(root, 'out/cli'),
    emptyOutDir: true,
    target: 'node20',
    sourcemap: true,
    rollupOptions: {
      input: {
        cli: resolve(root, 'src/main/headless/cli.ts'),
        sim: resolve(root, 'src/main/sim/cli.ts'),
      },
      output: { format: 'es', entryFileNames: '[name].js' },
    },
  },
});
console.log('build-cli: out/cli/cli.js, out/cli/sim.js');
