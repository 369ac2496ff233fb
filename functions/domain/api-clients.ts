/**
 * Org API clients: machine callers (Cognito app clients with the client-credentials grant) that act
 * in one org with a recorded role. README "Machine callers" has the design.
 */
import { type OrgRole, rank } from '../api/permissions';
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
  /** The person who created it: the client acts with at most their current role. */
  creatorId?: string;
}

/**
 * A credential someone set up acts with at most its creator's rights today: the lower of the
 * client's role and the creator's current role, and nothing once the creator has left (null).
 * Removing or demoting a person therefore revokes or caps what they handed out, with no write.
 */
export function effectiveClientRole(
  grant: Pick<ApiClientGrant, 'role'>,
  creatorRole: OrgRole | undefined,
): OrgRole | null {
  if (!creatorRole) return null;
  return rank(creatorRole) < rank(grant.role) ? creatorRole : grant.role;
}

export const unboundClientSentence =
  'This API client predates clients bound to their creator and is refused until the platform operator runs the backfill; an admin can create a new one.';

export const creatorGoneSentence =
  'The person who created this API client is no longer a member of the organization, so the client no longer works; an admin can create a new one.';

export function cappedClientSentence(role: OrgRole): string {
  return `This API client acts with at most the current role of the person who created it (${role}), which cannot do this.`;
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
