import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 30_000,
    // Set-up and tear-down start and stop real PostgreSQL clusters and build databases: slow on a loaded machine.
    hookTimeout: 60_000,
  },
});
