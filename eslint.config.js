// Lint rules hold the layers of STYLE.md: core is pure, workers are thin, only ui/charts touches plotly; platform/
// (the tfjs backend ladder and GPU facts) serves workers, the CLI and benches, and the page only its ladder's rungs.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const restrict = (paths, patterns = []) => ({
  'no-restricted-imports': [
    'error',
    { paths: paths.map((name) => ({ name, message: 'not allowed in this layer (see STYLE.md)' })), patterns },
  ],
});
const UI_LIBS = ['react', 'react-dom', 'react-dom/client', 'zustand', 'comlink', 'plotly.js-basic-dist-min'];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'test-results/**',
      'playwright-report/**',
      'e2e/artifacts/**',
      'bench/.out/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      ...restrict(
        [
          ...UI_LIBS,
          '@tensorflow/tfjs-backend-webgpu',
          '@tensorflow/tfjs-backend-webgl',
          '@tensorflow/tfjs-backend-wasm',
        ],
        [
          {
            group: ['**/ui/**', '**/state/**', '**/bridge/**', '**/workers/**', '**/cli/**', '**/platform/**'],
            message: 'core depends on nothing above it',
          },
        ],
      ),
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'pass a seeded Rng (core/util/rng.ts)' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='setBackend']",
          message: 'the host picks the backend, never core',
        },
      ],
    },
  },
  {
    files: ['src/platform/**/*.ts'],
    rules: restrict(UI_LIBS, [
      {
        group: ['**/ui/**', '**/state/**', '**/bridge/**', '**/workers/**', '**/cli/**'],
        message: 'platform sits below workers and the CLI, beside core',
      },
    ]),
  },
  {
    files: ['workers/**/*.ts'],
    rules: restrict(
      ['react', 'react-dom', 'zustand', 'plotly.js-basic-dist-min'],
      [{ group: ['**/ui/**', '**/state/**', '**/bridge/**'], message: 'workers sit below the page' }],
    ),
  },
  {
    files: ['src/state/**/*.ts', 'src/bridge/**/*.ts'],
    rules: restrict(
      ['react-dom', 'plotly.js-basic-dist-min'],
      [
        { group: ['**/ui/**'], message: 'state and bridge sit below the UI' },
        {
          group: ['**/platform/**', '!**/platform/ladder'],
          message: 'the page plans with the ladder rungs only; tfjs runs in the workers',
        },
      ],
    ),
  },
  {
    files: ['src/ui/**/*.{ts,tsx}'],
    ignores: ['src/ui/charts/**'],
    rules: restrict(
      ['plotly.js-basic-dist-min', 'comlink'],
      [
        {
          group: ['**/workers/*.api*', '@tensorflow/*', '**/platform/**'],
          message: 'ui talks to workers through bridge/ and plots through ui/charts/',
        },
      ],
    ),
  },
  {
    files: ['src/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    files: ['src/cli/**/*.ts', 'bench/**/*.ts', 'scripts/**/*', 'bin/**/*'],
    rules: { 'no-console': 'off' },
  },
);
