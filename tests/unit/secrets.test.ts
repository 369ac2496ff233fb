import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  encryptedFileStore,
  type SecretStore,
  SecretVersionTaken,
  secretsManagerStore,
} from '../../functions/adapters/secrets';
import { startSecretsManagerEmulator } from '../support/secrets-manager-emulator';
import { tempDir } from '../support/temp-dir';

const emulator = await startSecretsManagerEmulator();
process.env.SECRETS_ENDPOINT = emulator.endpoint;
afterAll(() => emulator.stop());

const fileDir = tempDir('acp-secrets-contract-');
const stores: [string, SecretStore][] = [
  ['encrypted files', encryptedFileStore(fileDir)],
  ['Secrets Manager', secretsManagerStore({ prefix: 'acp/test/', kmsKeyId: 'alias/acp-test' })],
];

describe.each(stores)('secret store contract: %s', (_name, store) => {
  it('reads back what it stored, and the latest value after a replace', async () => {
    await store.put('google-calendar/org_1/usr_1', '{"refreshToken":"one"}');
    expect(await store.get('google-calendar/org_1/usr_1')).toBe('{"refreshToken":"one"}');
    await store.put('google-calendar/org_1/usr_1', '{"refreshToken":"two"}');
    expect(await store.get('google-calendar/org_1/usr_1')).toBe('{"refreshToken":"two"}');
  });

  it('answers undefined for a missing secret and deletes idempotently', async () => {
    expect(await store.get('never/stored')).toBeUndefined();
    await store.put('to/delete', 'x');
    await store.delete('to/delete');
    expect(await store.get('to/delete')).toBeUndefined();
    await store.delete('to/delete');
  });

  it('lets one value claim a version: another value under it is refused and changes nothing', async () => {
    await store.put('versioned', 'first', { version: 'agt_01ARZ3NDEKTSV4RRFFQ69G5FAV.v2' });
    await expect(
      store.put('versioned', 'second', { version: 'agt_01ARZ3NDEKTSV4RRFFQ69G5FAV.v2' }),
    ).rejects.toBeInstanceOf(SecretVersionTaken);
    expect(await store.get('versioned')).toBe('first');
    // The same value again is a retry; the next version is free.
    await store.put('versioned', 'first', { version: 'agt_01ARZ3NDEKTSV4RRFFQ69G5FAV.v2' });
    await store.put('versioned', 'third', { version: 'agt_01ARZ3NDEKTSV4RRFFQ69G5FAV.v3' });
    expect(await store.get('versioned')).toBe('third');
    const raced = await Promise.allSettled(
      ['a', 'b', 'c'].map((v) => store.put('versioned', v, { version: 'agt_01ARZ3NDEKTSV4RRFFQ69G5FAV.v4' })),
    );
    expect(raced.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('keeps secrets apart by name', async () => {
    await store.put('a', 'value-a');
    await store.put('b', 'value-b');
    expect([await store.get('a'), await store.get('b')]).toEqual(['value-a', 'value-b']);
  });
});

describe('Secrets Manager adapter', () => {
  it('names every secret under the prefix and encrypts with the stack key', async () => {
    await secretsManagerStore({ prefix: 'acp/test/', kmsKeyId: 'alias/acp-test' }).put('k', 'v');
    expect(emulator.secrets.get('acp/test/k')).toMatchObject({ value: 'v', kmsKeyId: 'alias/acp-test' });
  });
});

describe('Secrets Manager adapter, reconnecting', () => {
  it('recreates a secret whose name is still being force-deleted, after a short wait', async () => {
    const store = secretsManagerStore({ prefix: 'acp/test/', kmsKeyId: 'alias/acp-test' });
    await store.put('again', 'first');
    await store.delete('again');
    await store.put('again', 'second');
    expect(await store.get('again')).toBe('second');
  });
});

describe('encrypted file store', () => {
  const dirs = { swapped: tempDir('acp-secrets-files-'), shared: tempDir('acp-secrets-key-') };

  it('keeps values unreadable on disk and refuses a file swapped in from another secret', async () => {
    const dir = dirs.swapped;
    const store = encryptedFileStore(dir);
    await store.put('first', 'plain-text-token-1');
    await store.put('second', 'plain-text-token-2');
    const files = readdirSync(dir).filter((f) => f.endsWith('.secret'));
    expect(files).toHaveLength(2);
    for (const f of files) expect(readFileSync(join(dir, f)).toString('latin1')).not.toContain('plain-text');
    expect(readdirSync(dir).join(' ')).not.toMatch(/first|second/);
    const [a, b] = files as [string, string];
    writeFileSync(join(dir, a), readFileSync(join(dir, b)));
    const results = await Promise.allSettled([store.get('first'), store.get('second')]);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
  });

  it('reuses the key it generated, so a second process reads the same secrets', async () => {
    const dir = dirs.shared;
    await encryptedFileStore(dir).put('shared', 'value');
    expect(await encryptedFileStore(dir).get('shared')).toBe('value');
    expect(readFileSync(join(dir, 'key'))).toHaveLength(32);
  });
});
