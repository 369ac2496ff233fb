/**
 * Secret storage port. In AWS: Secrets Manager, every name under one prefix and encrypted with
 * the stack's KMS key. Locally: AES-256-GCM files under .data/secrets with a key generated on
 * first use. Values never pass through the logger; errors name the secret, never its value.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { config } from '../lib/config';
import { onFirstUse } from '../lib/lazy';

/**
 * A write that named a version (`put`'s `version`) another value was already written under: a
 * concurrent writer claimed it first.
 */
export class SecretVersionTaken extends Error {
  constructor(name: string) {
    super(`another value was already written as this version of ${name}`);
  }
}

export interface SecretStore {
  /**
   * Creates or replaces the secret `name` (relative to the configured prefix). With `version`, the
   * write claims that version: if another value was written under it, it throws
   * SecretVersionTaken and changes nothing (the same value again is a retry and succeeds). Two
   * writers deriving the version from what they both read cannot both win.
   */
  put(name: string, value: string, options?: { version?: string }): Promise<void>;
  get(name: string): Promise<string | undefined>;
  /**
   * Deleting a missing secret is not an error. Without a recovery window the secret is gone now;
   * with one, Secrets Manager keeps it restorable for those days (the local store deletes at once).
   */
  delete(name: string, options?: { recoveryWindowDays?: number }): Promise<void>;
}

/** Secrets Manager's adapter (and its SDK client), loaded by the first call that needs it. */
const secretsManager = onFirstUse(() => import('./secrets-manager'));

/** The current value of a secret named by its ARN (deployment secrets: signing key, LiveKit, Google). */
export async function secretValue(arn: string): Promise<string | undefined> {
  return (await secretsManager()).secretValue(arn);
}

/** Secrets Manager's store, behind the port: the SDK loads on the first secret read or written. */
export function secretsManagerStore(options: { prefix: string; kmsKeyId?: string | undefined }): SecretStore {
  const store = onFirstUse(() => secretsManager().then((aws) => aws.secretsManagerStore(options)));
  return {
    put: async (name, value, options) => (await store()).put(name, value, options),
    get: async (name) => (await store()).get(name),
    delete: async (name, options) => (await store()).delete(name, options),
  };
}

const ivBytes = 12;
const tagBytes = 16;

function loadOrCreateKey(dir: string): Buffer {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, 'key');
  try {
    return readFileSync(path);
  } catch {
    const key = randomBytes(32);
    // `wx` fails if another process created the key in between; then that key wins.
    try {
      writeFileSync(path, key, { mode: 0o600, flag: 'wx' });
      return key;
    } catch {
      return readFileSync(path);
    }
  }
}

/** Writes beside the file, then renames over it: a reader sees the old contents or the new, never half. */
async function replaceFile(path: string, data: string | Buffer): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, data, { mode: 0o600 });
  await rename(temporary, path);
}

export function encryptedFileStore(dir: string): SecretStore {
  let key: Buffer | undefined;
  const keyOf = () => {
    key ??= loadOrCreateKey(dir);
    return key;
  };
  // Hashed file names: secret names carry org and user ids, which need not show on disk.
  const fileOf = (name: string) => join(dir, `${createHash('sha256').update(name).digest('hex')}.secret`);
  // The versions written, as an HMAC of their values under the store key (no value on disk in clear).
  const versionsOf = (name: string) => `${fileOf(name)}.versions`;
  const fingerprint = (value: string) => createHmac('sha256', keyOf()).update(value).digest('hex');
  // One writer per name at a time in this process (the local stack runs every handler in one),
  // so a version is checked and claimed in one step.
  const writing = new Map<string, Promise<unknown>>();
  const serially = <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const next = (writing.get(name) ?? Promise.resolve()).catch(() => undefined).then(work);
    writing.set(name, next);
    void next
      .catch(() => undefined)
      .then(() => {
        if (writing.get(name) === next) writing.delete(name);
      });
    return next;
  };
  const seal = async (name: string, value: string) => {
    const iv = randomBytes(ivBytes);
    const cipher = createCipheriv('aes-256-gcm', keyOf(), iv);
    // The name is authenticated data, so a file copied over another secret's file fails to open.
    cipher.setAAD(Buffer.from(name));
    const sealed = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    await replaceFile(fileOf(name), Buffer.concat([iv, cipher.getAuthTag(), sealed]));
  };
  const claim = async (name: string, version: string, value: string) => {
    const versions: Record<string, string> = JSON.parse(
      await readFile(versionsOf(name), 'utf8').catch(() => '{}'),
    );
    const claimed = versions[version];
    if (claimed !== undefined && claimed !== fingerprint(value)) throw new SecretVersionTaken(name);
    versions[version] = fingerprint(value);
    await replaceFile(versionsOf(name), JSON.stringify(versions));
  };
  return {
    put: (name, value, { version } = {}) =>
      serially(name, async () => {
        if (version) await claim(name, version, value);
        await seal(name, value);
      }),
    async get(name) {
      let data: Buffer;
      try {
        data = await readFile(fileOf(name));
      } catch {
        return undefined;
      }
      const decipher = createDecipheriv('aes-256-gcm', keyOf(), data.subarray(0, ivBytes));
      decipher.setAAD(Buffer.from(name));
      decipher.setAuthTag(data.subarray(ivBytes, ivBytes + tagBytes));
      return Buffer.concat([decipher.update(data.subarray(ivBytes + tagBytes)), decipher.final()]).toString(
        'utf8',
      );
    },
    // Like a force delete in Secrets Manager, the name's versions go too.
    delete: (name) =>
      serially(name, async () => {
        await rm(fileOf(name), { force: true });
        await rm(versionsOf(name), { force: true });
      }),
  };
}

let store: SecretStore | undefined;

/** The store for this deployment: encrypted files in the local stage, Secrets Manager elsewhere. */
export function secretStore(): SecretStore {
  if (!store) {
    const { isLocal, secrets } = config();
    store =
      isLocal && !secrets.endpoint
        ? encryptedFileStore(secrets.localDir)
        : secretsManagerStore({ prefix: secrets.prefix, kmsKeyId: secrets.kmsKeyId });
  }
  return store;
}
