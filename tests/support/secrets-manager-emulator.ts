/** A loopback emulator of the few Secrets Manager JSON API actions the secrets adapter calls. */
import { createServer } from 'node:http';
import { listenLocal } from '../../infra/local/ports';

interface Stored {
  value: string;
  kmsKeyId: string | undefined;
  /** Values by ClientRequestToken: a token names one version, a second value under it is refused. */
  versions: Map<string, string>;
}

export async function startSecretsManagerEmulator() {
  const secrets = new Map<string, Stored>();
  // Like AWS, a force-deleted name refuses a new CreateSecret for a moment (here: once).
  const deleting = new Set<string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const action = String(req.headers['x-amz-target'] ?? '').replace('secretsmanager.', '');
      const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(body));
      };
      const fail = (type: string) =>
        reply(400, { __type: type, message: `${type} for ${input.SecretId ?? input.Name}` });
      const id = input.SecretId ?? input.Name;
      const arn = `arn:aws:secretsmanager:local:000000000000:secret:${id}`;
      switch (action) {
        case 'CreateSecret':
          if (secrets.has(id)) return fail('ResourceExistsException');
          if (deleting.delete(id)) return fail('InvalidRequestException');
          secrets.set(id, {
            value: input.SecretString,
            kmsKeyId: input.KmsKeyId,
            versions: new Map(
              input.ClientRequestToken ? [[input.ClientRequestToken, input.SecretString]] : [],
            ),
          });
          return reply(200, { ARN: arn, Name: id, VersionId: 'v1' });
        case 'PutSecretValue': {
          const current = secrets.get(id);
          if (!current) return fail('ResourceNotFoundException');
          const token = input.ClientRequestToken as string | undefined;
          const earlier = token === undefined ? undefined : current.versions.get(token);
          if (earlier !== undefined && earlier !== input.SecretString) return fail('ResourceExistsException');
          if (token !== undefined) current.versions.set(token, input.SecretString);
          secrets.set(id, { ...current, value: input.SecretString });
          return reply(200, { ARN: arn, Name: id, VersionId: 'v2' });
        }
        case 'GetSecretValue': {
          const current = secrets.get(id);
          if (!current) return fail('ResourceNotFoundException');
          return reply(200, { ARN: arn, Name: id, SecretString: current.value, VersionId: 'v1' });
        }
        case 'DeleteSecret':
          if (!secrets.delete(id)) return fail('ResourceNotFoundException');
          deleting.add(id);
          return reply(200, { ARN: arn, Name: id, DeletionDate: Date.now() / 1000 });
        default:
          return reply(400, { __type: 'UnknownOperationException', message: action });
      }
    });
  });
  const port = await listenLocal(server, 0);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    secrets,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}
