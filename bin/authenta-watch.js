#!/usr/bin/env node
// The `authenta-watch` command: the headless engine, CLI and web host (built into out/cli).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const entry = fileURLToPath(new URL('../out/cli/cli.js', import.meta.url));
if (!existsSync(entry)) {
  console.error('authenta-watch: not built yet. Run `npm run build:cli` (or `npm run build`) first.');
  process.exit(1);
}
await import(pathToFileURL(entry).href);
