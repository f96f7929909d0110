/**
 * The flags rank-reader.ts shares with its thread (rank-worker.ts), as an Int32Array over a
 * SharedArrayBuffer: STOP is set by the reader before the core closes or replaces the park file, BUSY by
 * the thread while it has the file open. Each side sets its own flag before it reads the other's, so
 * either the thread sees the stop and never opens the file, or the reader sees it busy and waits.
 * WANTED is the ask a page needs now (the reader sets it; the thread reads it next, before asks made
 * earlier, such as the columns asked ahead when the grid opened); READING is the ask the thread is
 * reading (0 between reads), so a page knows whether waiting means waiting for another column first.
 */
export const STOP = 0;
export const BUSY = 1;
export const WANTED = 2;
export const READING = 3;
export const newRankFlags = (): Int32Array => new Int32Array(new SharedArrayBuffer(16));
