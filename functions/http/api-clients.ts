/**
 * Org API clients: Cognito app clients (client-credentials grant) recorded with the org and role
 * they act as. Cognito is called first and the table second, so a Cognito failure leaves nothing
 * behind; a refused table write deletes the client it just created. README "Machine callers".
 */

import { createOrgClient, deleteOrgClient } from '../adapters/identity-clients';
import { createApiClient, deleteApiClient, listApiClients } from '../api/routes/api-clients';
import * as apiClients from '../data/api-clients';
import { apiClientRoleRefusal, machineScope, newApiClient } from '../domain/api-clients';
import { enforce } from '../domain/refusal';
import { config } from '../lib/config';
import { logger } from '../lib/logger';
import { httpHandler, implement } from './pipeline/handler';
import { found } from './pipeline/refusals';

const clientTarget = (clientId: string) => ({ type: 'api_client', id: clientId });

export const handler = httpHandler([
  implement(createApiClient, async ({ params, body, caller, membership, audit, now }) => {
    enforce(apiClientRoleRefusal(membership, body));
    // Read before Cognito is called: an API client's own call stops here (creators are people).
    const creator = { id: caller.profile.id, email: caller.profile.email };
    const issued = await createOrgClient(params.orgId);
    const client = newApiClient(params.orgId, issued.clientId, body, creator, now);
    try {
      await apiClients.createApiClient(
        client,
        audit({
          action: 'api_client.created',
          target: clientTarget(client.clientId),
          after: { name: client.name, role: client.role },
        }),
      );
    } catch (error) {
      await deleteOrgClient(issued.clientId).catch((cleanup: unknown) =>
        // Harmless if it stays: without its lookup item no token of it is accepted.
        logger.error('API client left in Cognito after a refused write', {
          clientId: issued.clientId,
          cleanup,
        }),
      );
      throw error;
    }
    const { resourceServer } = config().machineTokens;
    return {
      body: {
        ...client,
        clientSecret: issued.clientSecret,
        scope: machineScope(resourceServer, 'org'),
        tokenUrl: config().identityClients.tokenUrl ?? null,
      },
    };
  }),

  implement(listApiClients, async ({ params, query }) => ({
    body: await apiClients.listApiClients(params.orgId, query.limit, query.cursor),
  })),

  // Cognito first: if it fails nothing changed and the DELETE can be retried; a retry after a
  // failed table write finds the Cognito client gone, which counts as done.
  implement(deleteApiClient, async ({ params, audit }) => {
    const client = found(await apiClients.getApiClient(params.orgId, params.clientId));
    await deleteOrgClient(client.clientId);
    await apiClients.deleteApiClient(
      client,
      audit({
        action: 'api_client.deleted',
        target: clientTarget(client.clientId),
        before: { name: client.name, role: client.role },
      }),
    );
    return {};
  }),
]);
