import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/**/*.test.ts',
      'test/**/*.test.tsx',
      'src/**/*.test.ts',
      'contracts/**/*.test.ts',
    ],
    // Type tests (`*.test-d.ts`, expectTypeOf and @ts-expect-error) run by tsc within `vitest run`.
    typecheck: {
      enabled: true,
      include: ['test/**/*.test-d.ts', 'src/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
    testTimeout: 20_000,
    hookTimeout: 60_000,
    env: { REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  },
});
