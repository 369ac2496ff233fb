/**
 * The AppSync Events Lambda authorizer (AWS_LAMBDA auth mode) for the live channels, and the local
 * stand-in's authorizer too (infra/local/appsync-events.ts calls this same handler). It verifies
 * our JWTs exactly as the HTTP pipeline does (http/pipeline/auth.ts), then allows:
 * - connecting: any valid token of a known user;
 * - subscribing: to `/orgs/<orgId>/tasks`, `/orgs/<orgId>/access` and `/presence/<orgId>` of an
 *   org the caller is a member of and that is not suspended, and to `/orgs/<orgId>/conversations/
 *   <conversationId>` when that membership may also read conversations; nothing else (no
 *   wildcards, no other namespace);
 * - publishing: to the presence channel of such an org only, where the presence handler
 *   (./presence.ts) stamps the event with the `userId` returned here. Task, access and conversation
 *   channels are published by the API's functions alone, with IAM, which never reaches this function.
 *
 * Results are not cached (ttlOverride 0): a decision is per channel, and removing a member must
 * stop their next subscription at once.
 */
import { parseChannel } from '../../api/live';
import { can } from '../../api/permissions';
import { getMembershipWithOrgStatus } from '../../data/memberships';
import { getUser } from '../../data/users';
import { logger } from '../../lib/logger';
import { authenticate } from '../pipeline/auth';

export type LiveOperation = 'EVENT_CONNECT' | 'EVENT_SUBSCRIBE' | 'EVENT_PUBLISH';

/** What AppSync Events sends a Lambda authorizer. */
export interface LiveAuthorizerEvent {
  authorizationToken: string;
  requestContext: {
    apiId: string;
    accountId: string;
    requestId: string;
    operation: LiveOperation;
    channelNamespaceName?: string;
    channel?: string;
  };
  requestHeaders?: Record<string, string>;
}

export interface LiveAuthorizerResult {
  isAuthorized: boolean;
  ttlOverride?: number;
  /** Handed to channel handlers as the identity; here the caller's user id. */
  handlerContext?: Record<string, string>;
}

const denied: LiveAuthorizerResult = { isAuthorized: false, ttlOverride: 0 };

export async function handler(event: LiveAuthorizerEvent): Promise<LiveAuthorizerResult> {
  const { operation, channel, requestId } = event.requestContext;
  logger.setContext({ job: 'live-authorizer', requestId, operation });
  let userId: string;
  try {
    const identity = await authenticate(event.authorizationToken);
    // As the pipeline does: a subject is bound to the identity provider that first vouched for it.
    const stored = await getUser(identity.sub);
    if (!stored || stored.issuer !== identity.issuer) return denied;
    userId = identity.sub;
  } catch {
    return denied;
  }
  const allowed = { isAuthorized: true, ttlOverride: 0, handlerContext: { userId } };
  if (operation === 'EVENT_CONNECT') return allowed;

  const target = channel ? parseChannel(channel) : undefined;
  if (!target) return denied;
  if (operation === 'EVENT_PUBLISH' && target.kind !== 'presence') return denied;
  // As on every org route: a suspended org's members hear nothing until it is reactivated.
  const { membership, suspended } = await getMembershipWithOrgStatus(target.orgId, userId);
  if (!membership || suspended) {
    logger.info('live channel refused', { channel, reason: membership ? 'org suspended' : 'not a member' });
    return denied;
  }
  // A reply as it is written is what GET …/messages shows once stored: the same permission.
  if (target.kind === 'conversations' && !can(membership.role, 'conversations:read')) {
    logger.info('live channel refused', { channel, reason: 'may not read conversations' });
    return denied;
  }
  return allowed;
}
