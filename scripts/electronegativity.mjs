#!/usr/bin/env node
// Runs Electronegativity (https://github.com/doyensec/electronegativity) over src/ and fails on
// any finding above INFORMATIONAL that .electronegativity/justifications.json does not justify.
//
// A justification names the check, the file and the flagged line's text (whitespace collapsed),
// with a reason: it covers that line wherever it moves in the file, and nothing else (a finding
// without a line, such as a missing CSP, has line ""). A new
// finding in the same file (say `contextIsolation: false` added next to a justified
// `new BrowserWindow(`), or an edit of the flagged line, fails until someone reviews it.
// Stale justifications are reported so they get removed.
//
// .svelte files are scanned too: the scanner knows only .js/.ts/.html, so each component is
// split into its <script> part (scanned as TypeScript) and its markup (scanned as HTML), with the
// other lines blanked so line numbers stay those of the .svelte file. A file the scanner cannot
// parse is an error, not a silent gap.
//
// The check of Electron's release notes needs the internet and is left out; Electron's version
// is pinned in package.json and upgraded deliberately.
//
//   node scripts/electronegativity.mjs [--src <dir>]   (default: src/ of this repository; the
//   option lets a test scan a modified copy against the same justifications)
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const run = require('@doyensec/electronegativity/dist/runner.js');
const { severity } = require('@doyensec/electronegativity/dist/finder/attributes.js');

const { values } = parseArgs({ options: { src: { type: 'string' } } });
const sourceDir = resolve(values.src ?? join(root, 'src'));

const justificationsFile = join(root, '.electronegativity', 'justifications.json');
const { justifications } = existsSync(justificationsFile)
  ? JSON.parse(readFileSync(justificationsFile, 'utf8'))
  : { justifications: [] };
for (const j of justifications) {
  if (!j.check || !j.file || typeof j.line !== 'string' || !j.reason || j.reason.trim().length < 20) {
    console.error(
      `electronegativity: every justification needs check, file, line (the flagged line's text) and a real reason: ${JSON.stringify(j)}`,
    );
    process.exit(1);
  }
}

/** A line's text as justifications spell it: trimmed, runs of whitespace collapsed. */
const normalize = (text) =>
  String(text ?? '')
    .replace(/\s+/g, ' ')
    .trim();

const SCRIPT_SUFFIX = '.__script__.ts';
const MARKUP_SUFFIX = '.__markup__.html';

/**
 * The <script> blocks of a component as TypeScript, every other line blank; and its markup with
 * the script and style blocks blanked. Both keep the component's line numbers.
 */
function splitSvelte(text) {
  const lines = text.split('\n');
  const script = lines.map(() => '');
  const markup = [...lines];
  const blocks = /<(script|style)\b[^>]*>([\s\S]*?)<\/\1>/g;
  for (let m; (m = blocks.exec(text));) {
    const openEnd = m.index + m[0].indexOf('>') + 1;
    const startLine = text.slice(0, openEnd).split('\n').length - 1;
    const body = m[2].split('\n');
    for (let k = 0; k < body.length; k++) {
      const at = startLine + k;
      // The first line keeps its column: the opening tag becomes spaces.
      if (m[1] === 'script')
        script[at] =
          k === 0 ? ' '.repeat(openEnd - text.lastIndexOf('\n', openEnd - 1) - 1) + body[0] : body[k];
    }
    // Blank the whole block in the markup (tags included).
    const endLine = text.slice(0, m.index + m[0].length).split('\n').length - 1;
    const firstLine = text.slice(0, m.index).split('\n').length - 1;
    for (let at = firstLine; at <= endLine; at++) markup[at] = '';
  }
  return { script: script.join('\n'), markup: markup.join('\n') };
}

// Scan a copy, so the .svelte parts can sit next to the other files without touching src/.
const work = mkdtempSync(join(tmpdir(), 'electronegativity-'));
const copy = join(work, 'src');
cpSync(sourceDir, copy, { recursive: true });
const svelteFiles = [];
const walk = (dir) => {
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, name.name);
    if (name.isDirectory()) walk(full);
    else if (name.name.endsWith('.svelte')) svelteFiles.push(full);
  }
};
walk(copy);
for (const file of svelteFiles) {
  const { script, markup } = splitSvelte(readFileSync(file, 'utf8'));
  writeFileSync(file + SCRIPT_SUFFIX, script);
  writeFileSync(file + MARKUP_SUFFIX, markup);
}

/** The repository path of a scanned file (src/..., the .svelte for its parts). */
const repoPath = (file) =>
  relative(work, file).replaceAll('\\', '/').replace(SCRIPT_SUFFIX, '').replace(MARKUP_SUFFIX, '');
/** The flagged line's text, read from the original file. */
const lineText = (file, line) => {
  if (!line) return '';
  const original = join(work, repoPath(file));
  return normalize(readFileSync(original, 'utf8').split('\n')[line - 1]);
};

const electronVersion = JSON.parse(
  readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8'),
).version;
// The scanner reports progress, offline notices and parse errors on console.log/error; keep them
// out of the report (parse errors come back in result.errors and are reported below).
const log = console.log;
const error = console.error;
console.log = () => undefined;
console.error = () => undefined;
let result;
try {
  result = await run(
    {
      input: copy,
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
  console.error = error;
}

const issues = result.issues.map((i) => {
  const line = i.location?.line ?? 0;
  return {
    check: i.id,
    file: repoPath(i.file),
    line,
    text: lineText(i.file, line),
    severity: i.severity.name,
    value: i.severity.value,
    confidence: i.confidence.name,
    description: i.description,
  };
});
const parseErrors = result.errors.map((e) => ({
  file: repoPath(e.file),
  message: e.message,
  tolerable: e.tolerable,
}));
rmSync(work, { recursive: true, force: true });

const covers = (j, i) => j.check === i.check && j.file === i.file && normalize(j.line) === i.text;
const justified = (i) => justifications.some((j) => covers(j, i));
const relevant = issues.filter((i) => i.value > severity.INFORMATIONAL.value);
const open = relevant.filter((i) => !justified(i));
const stale = justifications.filter((j) => !relevant.some((i) => covers(j, i)));

console.log(
  `electronegativity ${electronVersion}: ${result.atomicChecks + result.globalChecks} checks over ` +
    `${relative(root, sourceDir) || sourceDir} (${svelteFiles.length} .svelte files included), ` +
    `${issues.length} findings (${relevant.length} above INFORMATIONAL, ${relevant.length - open.length} justified)`,
);
for (const i of relevant) {
  console.log(
    `  ${justified(i) ? 'justified' : 'OPEN     '} ${i.severity.padEnd(6)} ${i.check} ${i.file}:${i.line}`,
  );
}
for (const j of stale)
  console.log(`  stale justification (no such finding any more): ${j.check} ${j.file}: ${j.line}`);
for (const e of parseErrors)
  console.error(
    `electronegativity: could not ${e.tolerable ? 'fully ' : ''}parse ${e.file}: ${e.message}. ` +
      'The scanner skipped what it could not read; make the file parseable (or report the parser gap).',
  );
if (open.length > 0) {
  console.error(
    `electronegativity: ${open.length} finding(s) neither fixed nor justified. Fix them, or add ` +
      `{check, file, line, reason} to .electronegativity/justifications.json after review.`,
  );
  for (const i of open) {
    console.error(`  ${i.check} ${i.file}:${i.line}: ${i.description}`);
    console.error(`    line: ${JSON.stringify(i.text)}`);
  }
}
if (open.length > 0 || parseErrors.length > 0) process.exit(1);
console.log('electronegativity: ok');
