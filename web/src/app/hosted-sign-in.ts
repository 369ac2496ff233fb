/**
 * Sign-in through a hosted OAuth 2.0 authorization server (the Cognito hosted UI) with the
 * authorization code flow and PKCE: the site is a public client, so it holds no secret, and the
 * verifier never leaves this tab's sessionStorage.
 */
export interface HostedAuth {
  /** Base URL of the authorization server, e.g. https://acp-prod.auth.us-east-1.amazoncognito.com */
  domain: string;
  clientId: string;
}

const pendingKey = 'acp.pkce';

function base64url(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  return btoa(String.fromCharCode(...view))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

const redirectUri = () => `${window.location.origin}/`;

export async function startHostedSignIn(auth: HostedAuth): Promise<void> {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const state = base64url(crypto.getRandomValues(new Uint8Array(16)));
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const returnTo = window.location.pathname + window.location.search + window.location.hash;
  sessionStorage.setItem(pendingKey, JSON.stringify({ verifier, state, returnTo }));
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: auth.clientId,
    redirect_uri: redirectUri(),
    scope: 'openid email profile',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  window.location.assign(`${auth.domain}/oauth2/authorize?${query}`);
}

/** On return from the authorization server: exchanges the code for an ID token, or returns undefined. */
export async function completeHostedSignIn(auth: HostedAuth): Promise<string | undefined> {
  const params = new URLSearchParams(window.location.search);
  const code = params.get('code');
  if (!code) return undefined;
  const pending = JSON.parse(sessionStorage.getItem(pendingKey) ?? 'null') as {
    verifier: string;
    state: string;
    returnTo: string;
  } | null;
  sessionStorage.removeItem(pendingKey);
  window.history.replaceState(null, '', pending?.returnTo ?? '/');
  if (!pending || pending.state !== params.get('state')) {
    throw new Error('The sign-in response does not match a sign-in started here; sign in again.');
  }
  const res = await fetch(`${auth.domain}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: auth.clientId,
      code,
      redirect_uri: redirectUri(),
      code_verifier: pending.verifier,
    }),
  });
  if (!res.ok) throw new Error(`Sign-in failed at the identity provider (${res.status}); sign in again.`);
  const { id_token: idToken } = (await res.json()) as { id_token?: string };
  if (!idToken) throw new Error('The identity provider returned no ID token.');
  return idToken;
}
