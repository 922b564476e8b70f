// One linter (ESLint + typescript-eslint) for the whole repo; Prettier owns formatting.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const browserSafe = 'The core runs in browsers too: no Node built-ins in src/.';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'src/generated/',
      'coverage/',
      'dist/',
      'examples/**/dist/',
      '**/mockServiceWorker.js',
      'mocks/server/start.bundle.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The state page's scripts run in the browser as they are (no build step).
    files: ['mocks/server/ui/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(
        ['document', 'location', 'fetch', 'setInterval', 'URL', 'URLSearchParams']
          .concat(['SwaggerUIBundle', 'SwaggerUIStandalonePreset'])
          .map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    // The domain core is shared by both adapters: it must never depend on either of them.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['fs', 'path', 'http', 'https', 'crypto', 'os', 'child_process'].map((name) => ({
            name,
            message: browserSafe,
          })),
          patterns: [
            {
              group: ['msw', 'msw/*', 'express', 'express/*'],
              message: 'The core stays free of msw and express: put HTTP glue in mocks/.',
            },
            { group: ['node:*'], message: browserSafe },
          ],
        },
      ],
    },
  },
);
