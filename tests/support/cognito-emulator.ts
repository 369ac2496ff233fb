/**
 * Stand-in for the Cognito hosted UI's OAuth 2.0 endpoints (authorize + token with PKCE), enough
 * to drive the admin site's sign-in in a real browser. Authorize signs in `email` at once, as the
 * hosted UI would after its login form.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { LocalService } from '../../infra/local/gateway';
import { sendJson } from '../../infra/local/gateway';

interface Options {
  basePath: string;
  clientId: string;
  email: string;
  mintIdToken(email: string): string;
}

export function cognitoEmulator(options: Options) {
  const codes = new Map<string, { challenge: string; redirectUri: string }>();
  const log = { authorize: [] as URLSearchParams[], tokenErrors: [] as string[] };
  const refuse = (res: Parameters<LocalService>[1], error: string) => {
    log.tokenErrors.push(error);
    sendJson(res, 400, { error });
  };

  const service: LocalService = async (req, res, url, body) => {
    if (url.pathname === `${options.basePath}/oauth2/authorize` && req.method === 'GET') {
      const q = url.searchParams;
      log.authorize.push(q);
      const valid =
        q.get('response_type') === 'code' &&
        q.get('client_id') === options.clientId &&
        q.get('code_challenge_method') === 'S256' &&
        /^[\w-]{43}$/.test(q.get('code_challenge') ?? '') &&
        q.get('state') &&
        q.get('redirect_uri');
      if (!valid) {
        sendJson(res, 400, { error: 'invalid_request' });
        return true;
      }
      const code = randomUUID();
      codes.set(code, { challenge: q.get('code_challenge')!, redirectUri: q.get('redirect_uri')! });
      const back = new URL(q.get('redirect_uri')!);
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state')!);
      res.writeHead(302, { location: back.toString() });
      res.end();
      return true;
    }
    if (url.pathname === `${options.basePath}/oauth2/token` && req.method === 'POST') {
      const form = new URLSearchParams(body.toString('utf8'));
      const pending = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      const error =
        !pending || form.get('grant_type') !== 'authorization_code'
          ? 'invalid_grant'
          : form.get('client_id') !== options.clientId
            ? 'invalid_client'
            : form.get('redirect_uri') !== pending.redirectUri ||
                createHash('sha256')
                  .update(form.get('code_verifier') ?? '')
                  .digest('base64url') !== pending.challenge
              ? 'invalid_grant'
              : undefined;
      if (error) {
        refuse(res, error);
        return true;
      }
      const idToken = options.mintIdToken(options.email);
      sendJson(res, 200, {
        id_token: idToken,
        access_token: idToken,
        token_type: 'Bearer',
        expires_in: 3600,
      });
      return true;
    }
    return false;
  };
  return { service, log };
}
