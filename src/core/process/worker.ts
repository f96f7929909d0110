import { parentPort } from 'node:worker_threads';
import type { MessagePortLike } from './protocol';
import { serveCore } from './entry';

/**
 * Where the core process starts: Electron's utilityProcess gives `process.parentPort`, a Node worker
 * thread gives worker_threads' `parentPort`. Both are served by the same entry.
 */
const electronPort = (process as NodeJS.Process & { parentPort?: MessagePortLike }).parentPort;
const port: MessagePortLike | null = electronPort ?? parentPort;
if (!port) throw new Error('the core process must be started by a shell (utilityProcess or worker_threads)');
serveCore(port);
