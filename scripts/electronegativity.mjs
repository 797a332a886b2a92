#!/usr/bin/env node
// Runs Electronegativity (https://github.com/doyensec/electronegativity) over src/ and fails on
// any finding above INFORMATIONAL that .electronegativity/justifications.json does not justify
// (by check and file, with a reason). Stale justifications are reported so they get removed.
// The check of Electron's release notes needs the internet and is left out; Electron's version
// is pinned in package.json and upgraded deliberately.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const run = require('@doyensec/electronegativity/dist/runner.js');
const { severity } = require('@doyensec/electronegativity/dist/finder/attributes.js');

const justificationsFile = join(root, '.electronegativity', 'justifications.json');
const { justifications } = existsSync(justificationsFile)
  ? JSON.parse(readFileSync(justificationsFile, 'utf8'))
  : { justifications: [] };
for (const j of justifications) {
  if (!j.check || !j.file || !j.reason || j.reason.trim().length < 20) {
    console.error(
      `electronegativity: every justification needs check, file and a real reason: ${JSON.stringify(j)}`,
    );
    process.exit(1);
  }
}

const electronVersion = JSON.parse(
  readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8'),
).version;
const input = join(root, 'src');
// The scanner reports progress and offline notices on console.log; keep them out of the report.
const log = console.log;
console.log = () => undefined;
let result;
try {
  result = await run(
    {
      input,
      output: undefined,
      isSarif: false,
      customScan: [],
      excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
      severitySet: undefined,
      confidenceSet: undefined,
      isRelative: false,
      isVerbose: false,
      electronUpgrade: undefined,
      electronVersionOverride: electronVersion,
      parserPlugins: [],
    },
    false,
  );
} finally {
  console.log = log;
}

const unparsed = result.errors.filter((e) => !e.tolerable);
const issues = result.issues.map((i) => ({
  check: i.id,
  file: relative(root, i.file).replaceAll('\\', '/'),
  line: i.location?.line ?? 0,
  severity: i.severity.name,
  value: i.severity.value,
  confidence: i.confidence.name,
  description: i.description,
}));
const justified = (i) => justifications.some((j) => j.check === i.check && j.file === i.file);
const relevant = issues.filter((i) => i.value > severity.INFORMATIONAL.value);
const open = relevant.filter((i) => !justified(i));
const stale = justifications.filter((j) => !relevant.some((i) => i.check === j.check && i.file === j.file));

console.log(
  `electronegativity ${electronVersion}: ${result.atomicChecks + result.globalChecks} checks over src/, ` +
    `${issues.length} findings (${relevant.length} above INFORMATIONAL, ${relevant.length - open.length} justified)`,
);
for (const i of relevant) {
  console.log(
    `  ${justified(i) ? 'justified' : 'OPEN     '} ${i.severity.padEnd(6)} ${i.check} ${i.file}:${i.line}`,
  );
}
for (const j of stale) console.log(`  stale justification (no such finding any more): ${j.check} ${j.file}`);
for (const e of unparsed)
  console.error(`electronegativity: could not parse ${relative(root, e.file)}: ${e.message}`);
if (open.length > 0) {
  console.error(
    `electronegativity: ${open.length} finding(s) neither fixed nor justified. Fix them, or add {check, file, reason} ` +
      `to .electronegativity/justifications.json after review.`,
  );
  for (const i of open) console.error(`  ${i.check} ${i.file}:${i.line}: ${i.description}`);
}
if (open.length > 0 || unparsed.length > 0) process.exit(1);
console.log('electronegativity: ok');
