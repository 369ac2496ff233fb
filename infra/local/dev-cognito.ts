/**
 * The Cognito parts machine callers use, for the local stack and tests (never deployed): the OAuth
 * 2.0 token endpoint with the client-credentials grant (HTTP Basic client authentication and a
 * `scope` parameter, as Cognito's `/oauth2/token`), and the subset of the Cognito Identity Provider
 * JSON API the identity-clients adapter calls (CreateUserPoolClient, DeleteUserPoolClient,
 * DescribeUserPoolClient, by X-Amz-Target). Access tokens are shaped like Cognito's (iss,
 * client_id, sub = client_id, scope, token_use access, exp, jti) and signed with the dev identity
 * provider's key, so the API verifies them exactly as it verifies any token of that issuer.
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { DevIdentity } from './dev-identity';
import { type LocalService, sendJson } from './gateway';
import { signJwt } from './jwt';
import { listenLocal } from './ports';

export const devUserPoolId = 'local_devpool';
/** The platform runtime client of the local stack (README "Machine callers"): fixed, dev only. */
export const devRuntimeClient = {
  clientId: 'devruntimeclient0000000000',
  clientSecret: 'dev-runtime-secret',
};

interface AppClient {
  clientId: string;
  clientSecret: string;
  clientName: string;
  scopes: string[];
}

export interface DevCognito {
  service: LocalService;
  /** The JSON API's endpoint (the adapter's COGNITO_ENDPOINT) and the token endpoint, under `base`. */
  apiPath: string;
  tokenPath: string;
  clients: Map<string, AppClient>;
  /** The next `times` JSON API calls fail: `unavailable` as Cognito's 500, `refused` as a 400 it would give. */
  fail(mode: 'unavailable' | 'refused', times: number): void;
  /** Every JSON API call, by its operation (for tests: what the adapter asked for). */
  calls: { operation: string; input: Record<string, unknown> }[];
}

const tokenSeconds = 3600;

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function createDevCognito(
  identity: DevIdentity,
  options: { basePath: string; resourceServer: string },
): DevCognito {
  const apiPath = `${options.basePath}/cognito-idp`;
  const tokenPath = `${options.basePath}/oauth2/token`;
  const knownScopes = new Set(['org', 'runtime'].map((s) => `${options.resourceServer}/${s}`));
  const clients = new Map<string, AppClient>([
    [
      devRuntimeClient.clientId,
      { ...devRuntimeClient, clientName: 'local-runtime', scopes: [`${options.resourceServer}/runtime`] },
    ],
  ]);
  const calls: DevCognito['calls'] = [];
  let failing: { mode: 'unavailable' | 'refused'; times: number } = { mode: 'unavailable', times: 0 };

  const awsError = (res: Parameters<LocalService>[1], status: number, type: string, message: string) => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type });
    res.end(JSON.stringify({ __type: type, message }));
  };

  const view = (c: AppClient, withSecret: boolean) => ({
    UserPoolId: devUserPoolId,
    ClientId: c.clientId,
    ClientName: c.clientName,
    ...(withSecret ? { ClientSecret: c.clientSecret } : {}),
    AllowedOAuthFlows: ['client_credentials'],
    AllowedOAuthFlowsUserPoolClient: true,
    AllowedOAuthScopes: c.scopes,
  });

  const operations: Record<
    string,
    (input: Record<string, unknown>, res: Parameters<LocalService>[1]) => void
  > = {
    CreateUserPoolClient(input, res) {
      const scopes = (input.AllowedOAuthScopes as string[] | undefined) ?? [];
      const flows = (input.AllowedOAuthFlows as string[] | undefined) ?? [];
      if (input.GenerateSecret !== true || flows.join() !== 'client_credentials') {
        return awsError(res, 400, 'InvalidOAuthFlowException', 'client_credentials needs a client secret.');
      }
      const unknown = scopes.find((s) => !knownScopes.has(s));
      if (unknown || scopes.length === 0) {
        return awsError(
          res,
          400,
          'ScopeDoesNotExistException',
          `Invalid scope requested: ${unknown ?? '(none)'}`,
        );
      }
      const client: AppClient = {
        // Cognito's ids are 26 lowercase letters and digits; its secrets about 51 characters.
        clientId: randomBytes(16).toString('hex').slice(0, 26),
        clientSecret: randomBytes(38).toString('base64url'),
        clientName: String(input.ClientName ?? ''),
        scopes,
      };
      clients.set(client.clientId, client);
      sendJson(res, 200, { UserPoolClient: view(client, true) });
    },
    DescribeUserPoolClient(input, res) {
      const client = clients.get(String(input.ClientId));
      if (!client) return awsError(res, 400, 'ResourceNotFoundException', 'User pool client does not exist.');
      sendJson(res, 200, { UserPoolClient: view(client, true) });
    },
    DeleteUserPoolClient(input, res) {
      if (!clients.delete(String(input.ClientId))) {
        return awsError(res, 400, 'ResourceNotFoundException', 'User pool client does not exist.');
      }
      sendJson(res, 200, {});
    },
  };

  const idpApi = (req: Parameters<LocalService>[0], res: Parameters<LocalService>[1], body: Buffer) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.replace(/^AWSCognitoIdentityProviderService\./, '');
    const input = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
    calls.push({ operation, input });
    if (failing.times > 0) {
      failing.times--;
      return failing.mode === 'unavailable'
        ? awsError(res, 500, 'InternalErrorException', 'Internal error.')
        : awsError(res, 400, 'InvalidParameterException', 'The request is not valid.');
    }
    if (!req.headers.authorization?.startsWith('AWS4-HMAC-SHA256')) {
      return awsError(res, 400, 'MissingAuthenticationTokenException', 'Request is not signed.');
    }
    if (input.UserPoolId !== devUserPoolId) {
      return awsError(res, 400, 'ResourceNotFoundException', 'User pool does not exist.');
    }
    const handle = operations[operation];
    if (!handle) return awsError(res, 400, 'UnknownOperationException', `${operation} is not served here.`);
    handle(input, res);
  };

  /** POST /oauth2/token, grant_type=client_credentials, client authenticated with HTTP Basic. */
  const token = (req: Parameters<LocalService>[0], res: Parameters<LocalService>[1], body: Buffer) => {
    const form = new URLSearchParams(body.toString('utf8'));
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    const [id = '', secret = ''] = basic ? Buffer.from(basic[1]!, 'base64').toString('utf8').split(':') : [];
    const client = clients.get(decodeURIComponent(id));
    if (!client || !safeEqual(client.clientSecret, decodeURIComponent(secret))) {
      return sendJson(res, 401, { error: 'invalid_client' });
    }
    if (form.get('grant_type') !== 'client_credentials')
      return sendJson(res, 400, { error: 'unsupported_grant_type' });
    const asked = form.get('scope')?.split(' ').filter(Boolean) ?? client.scopes;
    if (asked.length === 0 || asked.some((s) => !client.scopes.includes(s))) {
      return sendJson(res, 400, { error: 'invalid_scope' });
    }
    const now = Math.floor(Date.now() / 1000);
    const accessToken = signJwt(
      {
        sub: client.clientId,
        token_use: 'access',
        scope: asked.join(' '),
        auth_time: now,
        iss: identity.issuer,
        exp: now + tokenSeconds,
        iat: now,
        version: 2,
        jti: randomUUID(),
        client_id: client.clientId,
      },
      identity.key,
    );
    sendJson(res, 200, { access_token: accessToken, expires_in: tokenSeconds, token_type: 'Bearer' });
  };

  const service: LocalService = async (req, res, url, body) => {
    if (req.method !== 'POST') return false;
    if (url.pathname === tokenPath) token(req, res, body);
    else if (url.pathname === apiPath || url.pathname === `${apiPath}/`) idpApi(req, res, body);
    else return false;
    return true;
  };

  return {
    service,
    apiPath,
    tokenPath,
    clients,
    calls,
    fail(mode, times) {
      failing = { mode, times };
    },
  };
}

/** The stand-in on its own port (tests), bound to 127.0.0.1; `stop` closes it. */
export async function startDevCognito(identity: DevIdentity, resourceServer = 'agent-control-plane') {
  const cognito = createDevCognito(identity, { basePath: '', resourceServer });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      cognito.service(req, res, url, Buffer.concat(chunks)).then(
        (handled) => {
          if (!handled) sendJson(res, 404, { error: 'not found' });
        },
        () => {
          if (!res.headersSent) sendJson(res, 500, { error: 'stand-in failure' });
        },
      );
    });
  });
  const port = await listenLocal(server, 0);
  const url = `http://127.0.0.1:${port}`;
  return {
    ...cognito,
    url,
    apiUrl: `${url}${cognito.apiPath}`,
    tokenUrl: `${url}${cognito.tokenPath}`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
