/**
 * Org API clients as Cognito app clients: each has a generated secret, only the client-credentials
 * grant, and only the `<resourceServer>/org` scope, so the tokens it gets can call its org's routes
 * and nothing else (the runtime scope belongs to the platform's own client). Locally the dev
 * identity provider answers the same JSON API (infra/local/dev-cognito.ts) at COGNITO_ENDPOINT.
 * The secret is returned to the caller once and never logged: failures are reduced to a sentence.
 */
import { machineScope } from '../domain/api-clients';
import { type Refusal, refuse } from '../domain/refusal';
import { config } from '../lib/config';
import { onFirstUse } from '../lib/lazy';
import { logger } from '../lib/logger';

/** Access tokens of org API clients live an hour, as the platform's own machine client's do. */
const accessTokenMinutes = 60;

const cognito = onFirstUse(async () => {
  const sdk = await import('@aws-sdk/client-cognito-identity-provider');
  const { endpoint } = config().identityClients;
  const client = new sdk.CognitoIdentityProviderClient({
    region: config().region,
    maxAttempts: 2,
    ...(endpoint ? { endpoint } : {}),
  });
  return { sdk, client };
});

async function userPool() {
  const { userPoolId } = config().identityClients;
  if (!userPoolId) {
    throw refuse('unavailable', 'No Cognito user pool is configured for API clients in this deployment.');
  }
  return { id: userPoolId, ...(await cognito()) };
}

/** Cognito's side of a failure as a refusal: its own outage is worth retrying (503), a refusal is not (502). */
function cognitoRefusal(error: unknown, doing: string): Refusal {
  const e = error as { name?: string; $fault?: string; $metadata?: { httpStatusCode?: number } };
  const transient =
    e?.$fault === 'server' ||
    /Throttl|TooManyRequests|Timeout|ECONN|EPIPE|socket/i.test(String(e?.name)) ||
    e?.$metadata === undefined;
  logger.warn('cognito call failed', { doing, errorName: e?.name, status: e?.$metadata?.httpStatusCode });
  return transient
    ? refuse(
        'unavailable',
        `Cognito is unavailable, so the API client could not be ${doing}; retry in a moment.`,
      )
    : refuse('upstream', `Cognito refused to ${doing === 'created' ? 'create' : 'delete'} the API client.`);
}

export interface IssuedClient {
  clientId: string;
  clientSecret: string;
}

export async function createOrgClient(orgId: string): Promise<IssuedClient> {
  const pool = await userPool();
  let issued: { ClientId?: string | undefined; ClientSecret?: string | undefined } | undefined;
  try {
    ({ UserPoolClient: issued } = await pool.client.send(
      new pool.sdk.CreateUserPoolClientCommand({
        UserPoolId: pool.id,
        // The display name stays in the table; Cognito gets the org, which operators search by.
        ClientName: `org-${orgId}`,
        GenerateSecret: true,
        AllowedOAuthFlowsUserPoolClient: true,
        AllowedOAuthFlows: ['client_credentials'],
        AllowedOAuthScopes: [machineScope(config().machineTokens.resourceServer, 'org')],
        AccessTokenValidity: accessTokenMinutes,
        TokenValidityUnits: { AccessToken: 'minutes' },
        EnableTokenRevocation: true,
      }),
    ));
  } catch (error) {
    throw cognitoRefusal(error, 'created');
  }
  const { ClientId, ClientSecret } = issued ?? {};
  if (!ClientId || !ClientSecret) throw refuse('upstream', 'Cognito created no client secret.');
  return { clientId: ClientId, clientSecret: ClientSecret };
}

/** Deleting a client Cognito no longer has is done already. */
export async function deleteOrgClient(clientId: string): Promise<void> {
  const pool = await userPool();
  try {
    await pool.client.send(
      new pool.sdk.DeleteUserPoolClientCommand({ UserPoolId: pool.id, ClientId: clientId }),
    );
  } catch (error) {
    if ((error as { name?: string }).name === 'ResourceNotFoundException') return;
    throw cognitoRefusal(error, 'deleted');
  }
}
