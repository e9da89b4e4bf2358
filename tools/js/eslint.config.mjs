// ESLint flat config for v8snap's JavaScript (src/v8snap/js) and its unit tests (tests/js).
// Run from the repository root by tools/lint_js.py (`eslint --config tools/js/eslint.config.mjs`), so the
// patterns below are relative to the repository root; the imports resolve from tools/js/node_modules.
import js from '@eslint/js';
import globals from 'globals';

export default [
  js.configs.recommended,
  {
    files: ['src/v8snap/js/**/*.js', 'tests/js/**/*.js'],
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: 'commonjs',
      globals: { ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      'no-unused-vars': ['error', { args: 'after-used', argsIgnorePattern: '^_', caughtErrors: 'none' }],
      eqeqeq: ['error', 'always'],
      'no-var': 'error',
      'prefer-const': 'error',
      strict: ['error', 'safe'],
    },
  },
  {
    // Parts of one classic snapshot script (see src/v8snap/js/README.md): each file declares functions that
    // the other files of its part call; `/* global */` and `/* exported */` comments name them.
    // The single executable's sea-fs.js and sea-boot.js are joined before the prelude (v8snap/sea).
    files: [
      'src/v8snap/js/prelude/*.js',
      'src/v8snap/js/loader/*.js',
      'src/v8snap/js/embed/runtime/*.js',
      'src/v8snap/js/sea-fs.js',
      'src/v8snap/js/sea-boot.js',
    ],
    languageOptions: { sourceType: 'script' },
    rules: { strict: ['error', 'function'] },
  },
  {
    // Strict from its wrapper (embed/builder.py, embed/server.js), which holds the only 'use strict'.
    files: ['src/v8snap/js/embed/runtime/*.js'],
    rules: { strict: 'off' },
  },
];
