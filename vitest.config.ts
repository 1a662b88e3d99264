// One vitest run covers every tier (unit, examples, real multi-process cluster tests):
// `pnpm test` is what CI runs, so nothing is left to a separate job.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'runtime', include: ['packages/runtime/test/**/*.test.ts'], pool: 'forks', execArgv: ['--expose-gc'] } },
      { test: { name: 'otp', include: ['packages/otp/test/**/*.test.ts'] } },
      { test: { name: 'dist', include: ['packages/dist/test/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 30_000 } },
      { test: { name: 'examples', include: ['examples/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 30_000 } },
    ],
  },
});
