// eslint: typescript-eslint strictTypeChecked over the TypeScript in src/, test/, bench/ and
// scripts/, and over demo/ (whose JSDoc-typed JavaScript demo/tsconfig.json type-checks). Other
// plain-JS files (test fixtures, bench workers, scripts) get eslint's recommended rules.
// Formatting is prettier's job (`prettier --check .` in `npm run lint`); none of these configs
// enables a stylistic rule, so the two never disagree. C++ is checked by clang-format.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

// The Node globals plain-JS files use (TypeScript itself checks identifiers in typed files).
const nodeGlobals = Object.fromEntries(
  [
    'AbortController',
    'AbortSignal',
    'Buffer',
    'SharedArrayBuffer',
    'URL',
    'clearImmediate',
    'clearInterval',
    'clearTimeout',
    'console',
    'performance',
    'process',
    'queueMicrotask',
    'setImmediate',
    'setInterval',
    'setTimeout',
    'structuredClone',
  ].map((name) => [name, 'readonly']),
);

const typeChecked = {
  extends: [js.configs.recommended, tseslint.configs.strictTypeChecked],
  languageOptions: {
    parserOptions: {
      projectService: { allowDefaultProject: ['eslint.config.js'] },
      tsconfigRootDir: import.meta.dirname,
    },
  },
  rules: {
    // Template literals with numbers are how this code base prints pids and errnos.
    '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
    // Passing on what was caught (Node's own errors) is how spawnAsync settles.
    '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
  },
};

export default defineConfig(
  { ignores: ['lib/', 'build/', 'prebuilds/', 'node_modules/', '.cache/', 'coverage/'] },
  {
    files: ['**/*.{js,mjs,cjs}'],
    extends: [js.configs.recommended],
    languageOptions: { globals: nodeGlobals },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { ...nodeGlobals, __dirname: 'readonly', __filename: 'readonly' },
    },
  },
  { files: ['**/*.ts', 'demo/**/*.js', 'eslint.config.js'], ...typeChecked },
);
