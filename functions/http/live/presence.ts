/**
 * The presence namespace's publish handler (AppSync Events onPublish, a direct Lambda
 * integration), and the local stand-in's too (infra/local/appsync-events.ts calls this same
 * handler). A member's heartbeat is only a sign of life: whatever they sent is replaced by the
 * identity the authorizer established for this publish and the time it arrived, so nobody can be
 * shown online as someone else, under a name or picture of their choosing, or until a far future.
 * The authorizer has already checked the membership of the channel's org for this very publish.
 */
import { type PresenceEvent, parseChannel } from '../../api/live';
import { logger } from '../../lib/logger';

/** What AppSync Events hands a direct Lambda onPublish handler (the parts read here). */
export interface ChannelPublishEvent {
  /** For the Lambda auth mode, what the authorizer returned as handlerContext; IAM callers differ. */
  identity: { handlerContext?: Record<string, string> } | null;
  info: {
    channel: { path: string; segments: string[] };
    channelNamespace: { name: string };
    operation: 'PUBLISH';
  };
  events: { id: string; payload: unknown }[];
}

/** The events to broadcast; any left out are dropped. */
export interface ChannelPublishResult {
  events: { id: string; payload: PresenceEvent }[];
}

export async function handler(event: ChannelPublishEvent): Promise<ChannelPublishResult> {
  logger.setContext({ job: 'live-presence' });
  const userId = event.identity?.handlerContext?.userId;
  const first = event.events[0];
  if (!userId || !first || parseChannel(event.info.channel.path)?.kind !== 'presence') {
    // Only the Lambda authorizer's members publish here; anything else has no one to speak for.
    logger.warn('presence publish dropped', { channel: event.info.channel.path, identified: !!userId });
    return { events: [] };
  }
  // One heartbeat per publish is all a member says; several would only say it again.
  return { events: [{ id: first.id, payload: { userId, at: new Date().toISOString() } }] };
}
