/**
 * The flags rank-reader.ts shares with its thread (rank-worker.ts), as an Int32Array over a
 * SharedArrayBuffer: STOP is set by the reader before the core closes or replaces the park file, BUSY by
 * the thread while it has the file open. Each side sets its own flag before it reads the other's, so
 * either the thread sees the stop and never opens the file, or the reader sees it busy and waits.
 */
export const STOP = 0;
export const BUSY = 1;
export const newRankFlags = (): Int32Array => new Int32Array(new SharedArrayBuffer(8));
