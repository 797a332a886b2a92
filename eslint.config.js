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
/** Relative imports of a folder of src/main (`../sim`, `../../headless/args`, ...). */
const folder = (name) => [`**/${name}`, `**/${name}/**`];
const NO_ELECTRON = {
  group: ['electron', 'electron/*'],
  message: 'The engine, the simulator, the headless host and the code the hosts share run without Electron.',
};

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
  // src/main: the engine (core) and the simulator (sim) know no host; the two hosts (desktop,
  // headless) do not know each other and meet only in what they share (common, core, shared).
  {
    files: ['src/main/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            NO_ELECTRON,
            {
              group: [...folder('sim'), ...folder('headless'), ...folder('desktop'), ...folder('common')],
              message:
                'The engine knows no host and no simulator: the composition roots hand it its adapters (EngineOptions).',
            },
            {
              group: ['**/ipc', '**/ipc-channels'],
              message: 'The engine knows no IPC: the desktop host does.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/main/sim/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            NO_ELECTRON,
            {
              group: [...folder('headless'), ...folder('desktop'), ...folder('common')],
              message: 'The simulator stands alone: it knows no host.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/main/common/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            NO_ELECTRON,
            {
              group: [...folder('headless'), ...folder('desktop'), ...folder('sim')],
              message: 'Code the hosts share knows neither host.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/main/headless/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            NO_ELECTRON,
            {
              group: [...folder('desktop'), '**/ipc', '**/ipc-channels'],
              message:
                'The headless host does not know the desktop host: move what both need to src/main/common.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/main/desktop/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: folder('headless'),
              message:
                'The desktop host does not know the headless host: move what both need to src/main/common.',
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
