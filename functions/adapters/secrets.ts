/**
 * Secret storage port. In AWS: Secrets Manager, every name under one prefix and encrypted with
 * the stack's KMS key. Locally: AES-256-GCM files under .data/secrets with a key generated on
 * first use. Values never pass through the logger; errors name the secret, never its value.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  InvalidRequestException,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { config } from '../lib/config';

export interface SecretStore {
  /** Creates or replaces the secret `name` (relative to the configured prefix). */
  put(name: string, value: string): Promise<void>;
  get(name: string): Promise<string | undefined>;
  /**
   * Deleting a missing secret is not an error. Without a recovery window the secret is gone now;
   * with one, Secrets Manager keeps it restorable for those days (the local store deletes at once).
   */
  delete(name: string, options?: { recoveryWindowDays?: number }): Promise<void>;
}

let client: SecretsManagerClient | undefined;

/** One Secrets Manager client per container, shared with the Google adapter's client-secret lookup. */
export function secretsManager(): SecretsManagerClient {
  if (!client) {
    const { region, secrets } = config();
    client = new SecretsManagerClient({
      region,
      ...(secrets.endpoint ? { endpoint: secrets.endpoint } : {}),
    });
  }
  return client;
}

export function secretsManagerStore(options: { prefix: string; kmsKeyId?: string | undefined }): SecretStore {
  const id = (name: string) => `${options.prefix}${name}`;
  return {
    // Replace first: most writes are refreshed tokens of an existing secret, and the worker that
    // writes them then needs no CreateSecret permission.
    async put(name, value) {
      try {
        await secretsManager().send(new PutSecretValueCommand({ SecretId: id(name), SecretString: value }));
        return;
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
      }
      for (let attempt = 1; ; attempt++) {
        try {
          await secretsManager().send(
            new CreateSecretCommand({
              Name: id(name),
              SecretString: value,
              ...(options.kmsKeyId ? { KmsKeyId: options.kmsKeyId } : {}),
            }),
          );
          return;
        } catch (error) {
          // Created meanwhile by a concurrent writer: replace its value.
          if (error instanceof ResourceExistsException) {
            await secretsManager().send(
              new PutSecretValueCommand({ SecretId: id(name), SecretString: value }),
            );
            return;
          }
          // A force-deleted name (disconnect, then reconnect) is unavailable for a few seconds.
          if (!(error instanceof InvalidRequestException) || attempt >= 5) throw error;
          await new Promise((r) => setTimeout(r, attempt * 1000));
        }
      }
    },
    async get(name) {
      try {
        const { SecretString } = await secretsManager().send(
          new GetSecretValueCommand({ SecretId: id(name) }),
        );
        return SecretString;
      } catch (error) {
        if (error instanceof ResourceNotFoundException) return undefined;
        throw error;
      }
    },
    async delete(name, options) {
      const window = options?.recoveryWindowDays;
      try {
        await secretsManager().send(
          new DeleteSecretCommand(
            window
              ? { SecretId: id(name), RecoveryWindowInDays: window }
              : { SecretId: id(name), ForceDeleteWithoutRecovery: true },
          ),
        );
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
      }
    },
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

export function encryptedFileStore(dir: string): SecretStore {
  let key: Buffer | undefined;
  const keyOf = () => {
    key ??= loadOrCreateKey(dir);
    return key;
  };
  // Hashed file names: secret names carry org and user ids, which need not show on disk.
  const fileOf = (name: string) => join(dir, `${createHash('sha256').update(name).digest('hex')}.secret`);
  return {
    async put(name, value) {
      const iv = randomBytes(ivBytes);
      const cipher = createCipheriv('aes-256-gcm', keyOf(), iv);
      // The name is authenticated data, so a file copied over another secret's file fails to open.
      cipher.setAAD(Buffer.from(name));
      const sealed = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
      await writeFile(fileOf(name), Buffer.concat([iv, cipher.getAuthTag(), sealed]), { mode: 0o600 });
    },
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
    async delete(name) {
      await rm(fileOf(name), { force: true });
    },
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
