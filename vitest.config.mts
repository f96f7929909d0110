import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores: on a 2-core machine, one worker and a suite run
    // in series. Three at least (the test files use their own temporary files, ports and clusters): the
    // files wait on child processes, PostgreSQL clusters and file I/O, and two workers kept two cores 55%
    // busy. On 2 cores, two pairs of runs back to back: 3 workers 159 s and 170 s, 2 workers 201 s and
    // 271 s, the same CPU (288-297 s).
    maxWorkers: Math.max(3, availableParallelism() - 1),
    // Heavy tests (imports, exports, reach roll-ups) run 5–10× slower on a loaded 2-core machine, the import
    // readers' file I/O up to 30× (a read-only audit timed several out at 30 s); a hang still fails.
    testTimeout: 120_000,
    // Set-up and tear-down start and stop real PostgreSQL clusters and build databases: slow on a loaded machine.
    hookTimeout: 60_000,
  },
});
