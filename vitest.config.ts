import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['core/**/*.test.ts', 'sdk/**/*.test.ts', 'plugins/**/*.test.ts', 'sites/**/*.test.ts', 'tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more workers only thrash.
    maxWorkers: 2,
    pool: 'forks',
  },
});
