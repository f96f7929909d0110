import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hubSecretStore, rememberHubPassword, type Encryptor } from '../../src/main/hubSecrets';
import { tempFile } from './helpers';

/**
 * The desktop app's store of office hub passwords (src/main/hubSecrets.ts). Electron's safeStorage
 * cannot run here, so an AES-GCM encryptor with its own key stands in for the OS keychain.
 */
function keychain(available = true): Encryptor & { key: Buffer } {
  const key = randomBytes(32);
  return {
    key,
    isEncryptionAvailable: () => available,
    encryptString: (plain) => {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decryptString: (data) => {
      const d = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      d.setAuthTag(data.subarray(12, 28));
      return Buffer.concat([d.update(data.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

describe('hub password store (desktop app)', () => {
  it('keeps each database’s password encrypted on disk and gives it back', () => {
    const file = tempFile('hub-secrets.json');
    const enc = keychain();
    const store = hubSecretStore(file, enc);
    expect(store.load('/data/park.db')).toBeUndefined();
    expect(store.save('/data/park.db', '办公室-密码-123')).toBe(true);
    expect(store.save('/data/other.db', 'second')).toBe(true);
    const raw = readFileSync(file, 'utf8');
    expect(raw).not.toContain('办公室-密码-123');
    expect(raw).not.toContain('second');
    expect(statSync(file).mode & 0o077).toBe(0);
    // A new store on the same file (the app after a restart) reads it back.
    const again = hubSecretStore(file, enc);
    expect(again.load('/data/park.db')).toBe('办公室-密码-123');
    expect(again.load('/data/./park.db')).toBe('办公室-密码-123');
    expect(again.load('/data/other.db')).toBe('second');
    again.forget('/data/park.db');
    expect(hubSecretStore(file, enc).load('/data/park.db')).toBeUndefined();
    expect(hubSecretStore(file, enc).load('/data/other.db')).toBe('second');
  });

  it('writes nothing when the OS offers no encryption, and asks again rather than fail on a foreign or damaged file', () => {
    const file = tempFile('hub-secrets-none.json');
    const none = hubSecretStore(file, keychain(false));
    expect(none.save('/data/park.db', 'pw')).toBe(false);
    expect(() => readFileSync(file)).toThrow();

    const mine = hubSecretStore(file, keychain());
    mine.save('/data/park.db', 'pw');
    // Another OS account's keychain cannot decrypt it.
    expect(hubSecretStore(file, keychain()).load('/data/park.db')).toBeUndefined();
    writeFileSync(file, '{not json');
    expect(mine.load('/data/park.db')).toBeUndefined();
    expect(mine.save('/data/park.db', 'pw2')).toBe(true);
    expect(mine.load('/data/park.db')).toBe('pw2');
  });

  it('saves the password of a successful hub.connect, not of a failed one, and forgets it on disconnect', () => {
    const file = tempFile('hub-secrets-relay.json');
    const store = hubSecretStore(file, keychain());
    const ok = { ok: true as const, value: {} };
    const failed = { ok: false as const, error: { code: 'hub_auth' as const, message: 'wrong' } };
    rememberHubPassword(store, '/data/park.db', 'hub.connect', { url: 'postgres://zhang@h/db', password: 'wrong' }, failed);
    expect(store.load('/data/park.db')).toBeUndefined();
    rememberHubPassword(store, '/data/park.db', 'hub.connect', { url: 'postgres://zhang@h/db', password: 'right' }, ok);
    expect(store.load('/data/park.db')).toBe('right');
    // A connect without a password (PGPASSWORD, ~/.pgpass) leaves the saved one alone.
    rememberHubPassword(store, '/data/park.db', 'hub.connect', { url: 'postgres://zhang@h/db' }, ok);
    rememberHubPassword(store, '/data/park.db', 'enterprises.update', { password: 'x' }, ok);
    expect(store.load('/data/park.db')).toBe('right');
    rememberHubPassword(store, '/data/park.db', 'hub.disconnect', {}, failed);
    expect(store.load('/data/park.db')).toBe('right');
    rememberHubPassword(store, '/data/park.db', 'hub.disconnect', {}, ok);
    expect(store.load('/data/park.db')).toBeUndefined();
  });
});
