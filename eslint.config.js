import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

const NODE_BUILTINS = [
  'fs',
  'path',
  'os',
  'http',
  'https',
  'net',
  'crypto',
  'child_process',
  'stream',
  'url',
  'events',
  'worker_threads',
  'zlib',
  'util',
  'buffer',
  'tls',
  'dns',
  'readline',
  'process',
  'timers',
];
const nodePatterns = NODE_BUILTINS.flatMap((m) => [m, `node:${m}`, `${m}/*`, `node:${m}/*`]);

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', '.native/**', 'test-artifacts/**', 'assets/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] },
      globals: { ...globals.browser },
    },
  },
  // Layer rules (STYLE.md, habit 1).
  {
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', 'electron/*'], message: 'src/shared must not know Electron.' },
            { group: nodePatterns, message: 'src/shared must not import Node built-ins.' },
            {
              group: ['**/main/**', '**/renderer/**', '**/preload/**'],
              message: 'src/shared imports only src/shared.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/main/core/**', 'src/main/sim/**', 'src/main/headless/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron', 'electron/*'],
              message: 'The engine, simulator and headless host run without Electron.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron', 'electron/*'],
              message: 'The renderer reaches the engine only through window.authenta.',
            },
            { group: nodePatterns, message: 'The renderer never imports Node.' },
            {
              group: ['**/main/**', '**/preload/**'],
              message: 'The renderer imports only src/shared and itself.',
            },
          ],
        },
      ],
    },
  },
  // Raw ipcMain / ipcRenderer live only in the typed IPC wrapper (src/main/ipc.ts, src/preload/index.ts).
  {
    files: ['src/main/**', 'src/preload/**'],
    ignores: ['src/main/ipc.ts', 'src/preload/index.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportSpecifier[imported.name='ipcMain']",
          message: 'Use the typed wrapper in src/main/ipc.ts.',
        },
        {
          selector: "ImportSpecifier[imported.name='ipcRenderer']",
          message: 'Only the preload talks to ipcRenderer.',
        },
      ],
    },
  },
);
