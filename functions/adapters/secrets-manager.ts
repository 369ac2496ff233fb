/**
 * Secrets Manager behind the SecretStore port (functions/adapters/secrets.ts loads this module on
 * first use, so route groups that never touch a secret never load its SDK client).
 */
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
import { type SecretStore, SecretVersionTaken } from './secrets';

let client: SecretsManagerClient | undefined;

/** One Secrets Manager client per container. */
function secretsManager(): SecretsManagerClient {
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
    async put(name, value, { version } = {}) {
      // Secrets Manager's idempotency token is the version: a second value under it is refused.
      const token = version ? { ClientRequestToken: version } : {};
      const replace = async () => {
        try {
          await secretsManager().send(
            new PutSecretValueCommand({ SecretId: id(name), SecretString: value, ...token }),
          );
        } catch (error) {
          if (error instanceof ResourceExistsException) throw new SecretVersionTaken(name);
          throw error;
        }
      };
      try {
        await replace();
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
              ...token,
              ...(options.kmsKeyId ? { KmsKeyId: options.kmsKeyId } : {}),
            }),
          );
          return;
        } catch (error) {
          // Created meanwhile by a concurrent writer: replace its value (or lose the version to it).
          if (error instanceof ResourceExistsException) return replace();
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

export async function secretValue(arn: string): Promise<string | undefined> {
  const { SecretString } = await secretsManager().send(new GetSecretValueCommand({ SecretId: arn }));
  return SecretString;
}
