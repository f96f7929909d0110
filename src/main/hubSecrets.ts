import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Result } from '../core/service';
import { writeAtomicallySync } from '../core/util/atomic';

/**
 * The desktop app keeps each database's office hub password encrypted by the operating system's
 * keychain (Electron's safeStorage: DPAPI on Windows, Keychain on macOS, libsecret/kwallet on Linux)
 * in one small file in userData, so the app reconnects by itself after a restart. The plain password
 * is never written: where the OS offers no encryption, nothing is saved and Settings asks again after
 * each restart, as the web shell does. The encryptor is injected (Electron's safeStorage in the app,
 * a test double in the unit tests, since Electron cannot run there).
 */
export interface Encryptor {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export interface HubSecretStore {
  /** The saved password of this database's hub, if one was saved and can still be decrypted. */
  load(dbFile: string): string | undefined;
  /** Saves it encrypted; false when the OS offers no encryption (then nothing is written). */
  save(dbFile: string, password: string): boolean;
  forget(dbFile: string): void;
}

interface SecretsFile {
  version: 1;
  /** Database file (absolute path) → its hub password, encrypted, base64. */
  entries: Record<string, string>;
}

export function hubSecretStore(file: string, encryptor: Encryptor): HubSecretStore {
  const read = (): SecretsFile => {
    if (!existsSync(file)) return { version: 1, entries: {} };
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<SecretsFile>;
      return { version: 1, entries: parsed && typeof parsed.entries === 'object' && parsed.entries ? parsed.entries : {} };
    } catch {
      // A damaged file only costs the saved passwords: Settings asks for them again.
      return { version: 1, entries: {} };
    }
  };
  const write = (data: SecretsFile) => writeAtomicallySync(file, (tmp) => writeFileSync(tmp, JSON.stringify(data), { mode: 0o600 }));
  const key = (dbFile: string) => resolve(dbFile);

  return {
    load: (dbFile) => {
      const saved = read().entries[key(dbFile)];
      if (!saved || !encryptor.isEncryptionAvailable()) return undefined;
      try {
        return encryptor.decryptString(Buffer.from(saved, 'base64'));
      } catch {
        // Encrypted under another OS account or a reset keychain: ask again rather than fail.
        return undefined;
      }
    },
    save: (dbFile, password) => {
      if (!encryptor.isEncryptionAvailable()) return false;
      const data = read();
      data.entries[key(dbFile)] = encryptor.encryptString(password).toString('base64');
      write(data);
      return true;
    },
    forget: (dbFile) => {
      const data = read();
      if (!(key(dbFile) in data.entries)) return;
      delete data.entries[key(dbFile)];
      write(data);
    },
  };
}

/**
 * Called with every API call the window makes: a successful hub.connect that carried a password
 * saves it for the open database (replacing one that no longer worked), and a disconnect forgets it.
 */
export function rememberHubPassword(store: HubSecretStore, dbFile: string | null, method: string, input: unknown, result: Result<unknown>): void {
  if (!dbFile) return;
  if (method === 'hub.connect' && result.ok) {
    const password = (input as { password?: unknown } | null)?.password;
    if (typeof password === 'string' && password) store.save(dbFile, password);
  } else if (method === 'hub.disconnect' && result.ok) store.forget(dbFile);
}
