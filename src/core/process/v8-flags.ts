/**
 * V8 flags the core process starts with (src/main/index.ts passes them to the utilityProcess; the file
 * benches start their import and export processes with them, to measure what the app runs).
 *
 * `--max-semi-space-size=4` (MB; Node 20's default lets each semi-space grow to 16 MB): a long import
 * allocates ~30 KB of short-lived objects per row, so the young generation always grew to its
 * maximum, ~48 MB of resident memory for garbage. Measured with tests/bench/import-memory.ts at 20,000
 * rows: peak 227 → 202 MB (CSV), CPU time unchanged within the noise. The flag is read only when the
 * process starts, so it cannot be set from inside the core.
 */
export const CORE_V8_FLAGS: readonly string[] = ['--max-semi-space-size=4'];
