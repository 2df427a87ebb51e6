// Lint config. The layer rules make the architecture a build failure, not a
// hope: src/raft is pure (no DOM, timers, randomness, clock, workers, React,
// nor any other layer); nothing imports upward (raft ← sim ← worker ← store ← ui).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const upward = (layers) =>
  layers.map((layer) => ({
    group: [`**/${layer}`, `**/${layer}/**`, `../${layer}/*`],
    message: `this layer must not import from src/${layer} (layers: raft ← sim ← worker ← store ← ui)`,
  }));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'scratch/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.browser, ...globals.node },
    },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
    },
  },
  {
    files: ['eslint.config.js', 'bin/**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // The pure core: deterministic, synchronous, no I/O.
    files: ['src/raft/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../*', '!../raft', 'react', 'react-dom', 'zustand', 'd3*', 'node:*'],
              message: 'src/raft is the pure core: it imports nothing outside src/raft',
            },
            ...upward(['sim', 'worker', 'store', 'ui']),
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...[
          'window',
          'document',
          'self',
          'globalThis',
          'setTimeout',
          'setInterval',
          'clearTimeout',
          'clearInterval',
          'requestAnimationFrame',
          'queueMicrotask',
          'Worker',
          'postMessage',
          'indexedDB',
          'performance',
          'fetch',
          'localStorage',
          'process',
          'crypto',
        ].map((name) => ({ name, message: `src/raft is pure: no ${name} (time, I/O and randomness are passed in)` })),
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='Math'][property.name='random']",
          message: 'src/raft is deterministic: use the seeded random passed in the config',
        },
        {
          selector: "MemberExpression[object.name='Date'][property.name='now']",
          message: 'src/raft uses virtual time passed in by the host, never Date.now',
        },
        { selector: "NewExpression[callee.name='Date']", message: 'src/raft uses virtual time passed in by the host' },
      ],
    },
  },
  { files: ['src/sim/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: upward(['worker', 'store', 'ui']) }] } },
  { files: ['src/worker/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: upward(['store', 'ui']) }] } },
  { files: ['src/trace/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: upward(['worker', 'store', 'ui']) }] } },
  { files: ['src/store/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: upward(['ui']) }] } },
);
