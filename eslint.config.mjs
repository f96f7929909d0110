import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/**
 * Lint enforces the architecture's arrows: core imports no shell, no electron, no react, no DOM;
 * the renderer imports only types from core and nothing from node; shells never import each other.
 */
const restrict = (patterns, message) => ['error', { patterns: patterns.map((group) => ({ group, message })) }];

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '.bench/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', __dirname: 'readonly', require: 'readonly', module: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        [['electron', 'electron/*'], ['react', 'react-dom', 'react/*'], ['**/main/**', '**/preload/**', '**/renderer/**', '**/server/**', '**/cli/**']],
        'core is platform-free: no electron, react, DOM or shell imports',
      ),
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'localStorage'],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      'no-restricted-imports': restrict([['node:*', 'fs', 'path', 'electron', 'better-sqlite3'], ['**/main/**', '**/preload/**', '**/server/**', '**/cli/**']], 'the renderer talks to the core only through the API client'),
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/core/**'], allowTypeImports: true, message: 'the renderer may import only types from core' }] },
      ],
    },
  },
  {
    files: ['src/main/**/*.ts', 'src/preload/**/*.ts'],
    rules: { 'no-restricted-imports': restrict([['**/renderer/**', '**/server/**', '**/cli/**', 'react']], 'shells import core, never each other') },
  },
  {
    files: ['src/server/**/*.ts', 'src/cli/**/*.ts'],
    rules: { 'no-restricted-imports': restrict([['**/renderer/**', '**/main/**', '**/preload/**', 'electron', 'react']], 'shells import core, never each other') },
  },
);
