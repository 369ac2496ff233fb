/**
 * The Cognito stand-in (infra/local/dev-cognito.ts) on its own port for this test file, with the
 * adapter pointed at it before any handler reads its config; tokens it issues are signed by the
 * file's dev identity provider, which the handlers trust.
 */
import { afterAll } from 'vitest';
import { devRuntimeClient, startDevCognito } from '../../infra/local/dev-cognito';
import { identity } from './env';

export const cognito = await startDevCognito(identity);
process.env.COGNITO_ENDPOINT = cognito.apiUrl;
process.env.TOKEN_URL = cognito.tokenUrl;
process.env.RUNTIME_CLIENT_ID = devRuntimeClient.clientId;
afterAll(() => cognito.stop());

/** A client-credentials access token from the stand-in's /oauth2/token, as an integrator gets one. */
export async function clientToken(clientId: string, clientSecret: string, scope?: string): Promise<string> {
  const res = await fetch(cognito.tokenUrl, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', ...(scope ? { scope } : {}) }),
  });
  const body = (await res.json()) as { access_token?: string; error?: string };
  if (!body.access_token) throw new Error(`no token: ${res.status} ${body.error}`);
  return body.access_token;
}

export const runtimeToken = () => clientToken(devRuntimeClient.clientId, devRuntimeClient.clientSecret);
