// One linter (ESLint + typescript-eslint) for the whole repo; Prettier owns formatting.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const browserSafe = 'The core runs in browsers too: no Node built-ins in src/.';

/** What no file of src/ imports: Node built-ins, the doors' libraries, the folders built on it. */
const inSrc = {
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
    {
      regex: '(^|/)(mocks|cli|contracts|test|bench|scripts|examples)/',
      message:
        'src/ is what the doors, the CLI and the tests are built on: it imports none of them.',
    },
  ],
};

/** The floors of src/ a lower one may not import, by the relative path that names them. */
const floors = {
  kit: {
    regex: '(^|/)kit\\.js$',
    message: 'The kit (src/kit.ts) wires the APIs together: nothing below it imports it.',
  },
  apis: {
    regex: '(^|/)apis/',
    message: "Each API's HTTP mapping (src/apis/) sits above the pipeline and the core.",
  },
  http: {
    regex: '(^|/)http/',
    message:
      'The core speaks only the domain (no KitRequest, KitResponse, json): map it in src/apis/.',
  },
  core: { regex: '(^|/)core/', message: 'The schema floor (src/schema/) is below the core.' },
  client: {
    regex: '(^|/)(core|schema)/',
    message:
      "The client entry (src/client/) ships to apps' browsers: it stands on the generated types alone.",
  },
};
const floorsAbove = {
  'src/apis/**/*.ts': ['kit'],
  'src/http/**/*.ts': ['kit', 'apis'],
  'src/core/**/*.ts': ['kit', 'apis', 'http'],
  'src/schema/**/*.ts': ['kit', 'apis', 'http', 'core'],
  'src/client/**/*.ts': ['kit', 'apis', 'http', 'client'],
};

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
    rules: { 'no-restricted-imports': ['error', inSrc] },
  },
  // The floors of docs/architecture.md, every arrow pointing down: doors (mocks/, cli/) ->
  // kit -> apis -> http -> core -> schema. ESLint keeps one setting of a rule per file (the
  // last), so each floor's setting repeats the limits of all of src/.
  ...Object.entries(floorsAbove).map(([files, names]) => ({
    files: [files],
    rules: {
      'no-restricted-imports': [
        'error',
        { ...inSrc, patterns: [...inSrc.patterns, ...names.map((name) => floors[name])] },
      ],
    },
  })),
);
