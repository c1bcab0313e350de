// eslint: typescript-eslint strictTypeChecked over src/, test/, bench/, scripts/ and demo/
// (demo/tsconfig.json type-checks its JSDoc-typed JavaScript).
// Formatting is prettier's job (`prettier --check .` in `npm run lint`); neither config below
// enables a stylistic rule, so the two never disagree. C++ is checked by clang-format.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

// The Node globals plain-JS files use (TypeScript itself checks identifiers in .ts files).
const nodeGlobals = Object.fromEntries(
  [
    'AbortController',
    'Buffer',
    'URL',
    'clearInterval',
    'clearTimeout',
    'console',
    'process',
    'queueMicrotask',
    'setInterval',
    'setTimeout',
    'structuredClone',
  ].map((name) => [name, 'readonly']),
);

export default defineConfig(
  { ignores: ['lib/', 'build/', 'prebuilds/', 'node_modules/', '.cache/', 'coverage/'] },
  {
    files: ['**/*.{ts,js,mjs,cjs}'],
    extends: [js.configs.recommended, tseslint.configs.strictTypeChecked],
    languageOptions: {
      globals: nodeGlobals,
      parserOptions: {
        projectService: {
          // Files outside every tsconfig.json's "include" (this file, plain-JS scripts).
          allowDefaultProject: ['*.js', 'scripts/*.js', 'scripts/*.mjs'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Template literals with numbers are how this code base prints pids and errnos.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
    },
  },
  {
    // Consumer fixtures run inside a temporary project that installed the packed tarball; they
    // are not part of any tsconfig project here.
    files: ['test/packaging/fixtures/**'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
