import { existsSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { verifiedCopy } from '../backup/engine';
import { afterOpen } from '../backup/startup';
import { AppError, toErrorPayload } from '../errors';
import { writeAtomicallySync } from '../util/atomic';
import { seedDemo } from '../seed/seed';
import { ParkCore, type Result } from '../service';
import { unwrap, type CoreMessage, type HostMessage, type MessagePortLike, type OpenRequest } from './protocol';

/**
 * The core's side of a process boundary: it opens the database, answers every call with the plain
 * `Result` that `invoke` gives, forwards change events, and asks the shell to print PDFs. A call that
 * throws (or a malformed message) is answered with an error; the loop goes on serving the next.
 */
export function serveCore(port: MessagePortLike): void {
  let core: ParkCore | null = null;
  let unsubscribe: (() => void) | null = null;
  const printing = new Map<number, { resolve: (pdf: Buffer) => void; reject: (err: Error) => void }>();
  let printSeq = 0;
  const send = (message: CoreMessage) => port.postMessage(message);

  const printPdf = (html: string, options: { headerTitle: string }) =>
    new Promise<Buffer>((resolve, reject) => {
      const id = ++printSeq;
      printing.set(id, { resolve, reject });
      send({ type: 'print', id, html, headerTitle: options.headerTitle });
    });

  const open = (request: OpenRequest): { file: string } => {
    const isNew = !existsSync(request.file);
    const next = new ParkCore(request.file, {
      create: request.create,
      ...(request.user ? { user: request.user } : {}),
      ...(request.nativeBinding ? { nativeBinding: request.nativeBinding } : {}),
      ...(request.shellPrints ? { printPdf } : {}),
      // A database connected to the office hub keeps syncing while it is open.
      hubSync: true,
      ...(request.hubPassword ? { hubPassword: request.hubPassword } : {}),
    });
    if (isNew && request.demo) seedDemo(next.context());
    unsubscribe?.();
    core?.close();
    core = next;
    unsubscribe = core.onEvent((event) => send({ type: 'event', event }));
    // The daily backup and the background quick check for damage, as in the web shell.
    void afterOpen(core, request.nativeBinding);
    return { file: request.file };
  };

  const opened = (): ParkCore => {
    if (!core) throw new AppError('internal', { detail: 'no database open' });
    return core;
  };

  const handle = async (message: HostMessage): Promise<Result<unknown>> => {
    switch (message.type) {
      case 'open':
        return { ok: true, value: open(message.request) };
      case 'invoke':
        return opened().invoke(message.method, message.input, message.locale);
      case 'upload': {
        const safe = basename(message.name).slice(0, 200) || 'upload';
        const path = opened().files.outputPath(safe);
        writeFileSync(path, message.bytes);
        return { ok: true, value: { token: opened().files.register(path, safe), name: safe } };
      }
      case 'file':
        return { ok: true, value: opened().files.get(message.token) };
      case 'backup':
        // Checked, then renamed into place: never a half-written copy at the chosen name.
        writeAtomicallySync(message.path, (tmp) => verifiedCopy(opened().db, 'main', tmp));
        return { ok: true, value: { path: message.path } };
      case 'printed': {
        const waiting = printing.get(message.id);
        printing.delete(message.id);
        if (message.pdf) waiting?.resolve(Buffer.from(message.pdf));
        else waiting?.reject(new Error(message.error ?? 'printing failed'));
        return { ok: true, value: null };
      }
    }
  };

  port.on('message', (raw) => {
    const message = unwrap(raw) as HostMessage;
    const id = typeof message === 'object' && message && typeof message.id === 'number' ? message.id : -1;
    Promise.resolve()
      .then(() => handle(message))
      .catch((err: unknown): Result<unknown> => ({ ok: false, error: toErrorPayload(err, message?.type === 'invoke' ? message.locale : 'zh-CN') }))
      .then((result) => {
        if (message?.type !== 'printed') send({ type: 'result', id, result });
      });
  });
}
