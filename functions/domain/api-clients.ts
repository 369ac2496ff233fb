/**
 * Org API clients: machine callers (Cognito app clients with the client-credentials grant) that act
 * in one org with a recorded role. README "Machine callers" has the design.
 */
import type { OrgRole } from '../api/permissions';
import type { ApiClient, CreateApiClientBody } from '../api/schemas/api-clients';
import type { Member } from '../api/schemas/members';
import { grantRefusal } from './memberships';
import { type Refusal, refuse } from './refusal';

/** Each client is a credential someone must rotate and audit; an org needing more has a design problem. */
export const maxApiClientsPerOrg = 20;

/** Who a verified client-credentials token says is calling: its client id and granted scopes. */
export interface MachineIdentity {
  clientId: string;
  scopes: string[];
}

/** What the pipeline needs to authorize an API client's call, read from its one lookup item. */
export interface ApiClientGrant {
  clientId: string;
  orgId: string;
  name: string;
  role: Exclude<OrgRole, 'owner'>;
}

/** The creator hands out the role as they would to a person: never above their own. */
export function apiClientRoleRefusal(
  creator: Pick<Member, 'role'>,
  body: CreateApiClientBody,
): Refusal | null {
  return grantRefusal(creator, body.role);
}

export function apiClientLimitRefusal(): Refusal {
  return refuse(
    'refused',
    `The organization has its ${maxApiClientsPerOrg} API clients; delete one it no longer uses first.`,
  );
}

export function newApiClient(
  orgId: string,
  clientId: string,
  body: CreateApiClientBody,
  creator: { id: string; email: string },
  now: Date,
): ApiClient {
  return {
    clientId,
    orgId,
    name: body.name,
    role: body.role,
    createdBy: { userId: creator.id, email: creator.email },
    createdAt: now.toISOString(),
  };
}

/** The scopes a token must carry: `org` for an org's routes, `runtime` for the voice worker's. */
export function machineScope(resourceServer: string, scope: 'org' | 'runtime'): string {
  return `${resourceServer}/${scope}`;
}
