/**
 * The live channels: what the admin site subscribes to and what travels on them. Two AppSync
 * Events channel namespaces hold the channels of every org, each path naming the org it is for, so
 * the authorizer checks that one membership:
 * - `orgs`, published by the API's functions alone (IAM): `/orgs/<orgId>/tasks`, `/orgs/<orgId>/
 *   access` (a member lost access: their site stops listening) and `/orgs/<orgId>/conversations/
 *   <conversationId>` (a reply as it is written);
 * - `presence`, published by members: `/presence/<orgId>`. Its publish handler
 *   (functions/http/live/presence.ts) replaces whatever a member sends with who they are (from the
 *   authorizer) and when it arrived, so nobody speaks for another member.
 * The publishers (functions/jobs/publish-changes.ts, adapters/reply-stream.ts), the authorizer, the
 * presence handler, the local stand-in and the web client all read this file.
 */
import * as z from 'zod/mini';
import { ConversationId, ConversationMessage } from './schemas/conversations';
import { UserId } from './schemas/members';
import { OrgId } from './schemas/orgs';
import { Task, TaskId } from './schemas/tasks';

export const liveNamespace = 'orgs';
export const presenceNamespace = 'presence';
/** Every namespace of the Event API; nothing else is a channel of ours. */
export const liveNamespaces: readonly string[] = [liveNamespace, presenceNamespace];

export type ChannelKind = 'tasks' | 'access' | 'presence' | 'conversations';

export type Channel =
  | { orgId: string; kind: 'tasks' | 'access' | 'presence' }
  | { orgId: string; kind: 'conversations'; conversationId: string };

export function channelOf(orgId: string, kind: 'tasks' | 'access' | 'presence'): string;
export function channelOf(orgId: string, kind: 'conversations', conversationId: string): string;
export function channelOf(orgId: string, kind: ChannelKind, conversationId?: string): string {
  if (kind === 'presence') return `/${presenceNamespace}/${orgId}`;
  const org = `/${liveNamespace}/${orgId}/${kind}`;
  return kind === 'conversations' ? `${org}/${conversationId}` : org;
}

/** The channel a path names, or undefined for any other path (wildcards included). */
export function parseChannel(path: string): Channel | undefined {
  const [empty, namespace, orgId, kind, conversationId, ...rest] = path.split('/');
  if (empty !== '' || rest.length > 0 || !OrgId.safeParse(orgId).success) return undefined;
  if (namespace === presenceNamespace)
    return kind === undefined ? { orgId: orgId!, kind: 'presence' } : undefined;
  if (namespace !== liveNamespace) return undefined;
  if (kind === 'conversations') {
    if (!ConversationId.safeParse(conversationId).success) return undefined;
    return { orgId: orgId!, kind, conversationId: conversationId! };
  }
  if ((kind !== 'tasks' && kind !== 'access') || conversationId !== undefined) return undefined;
  return { orgId: orgId!, kind };
}

/**
 * A change to one task: which task, what happened, and its version, so the site refetches what it
 * shows through the API (which authorizes as always). Nothing the task says, not even its subject
 * or status: a socket opened before its member was removed may still be listening (README "Live
 * updates and presence"), and ids are all it should learn.
 */
export const TaskChangeEvent = z.extend(z.pick(Task, { version: true, updatedAt: true }), {
  kind: z.enum(['created', 'updated', 'deleted']),
  taskId: TaskId,
});
export type TaskChangeEvent = z.infer<typeof TaskChangeEvent>;

/**
 * On an org's access channel: a member was removed (their sites stop listening to the org), or the
 * org was suspended (every site does). The site obeys; the service cannot end a subscription
 * itself, which is why events carry ids only.
 */
export const AccessEvent = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('revoked'), userId: UserId }),
  z.strictObject({ kind: z.literal('suspended') }),
]);
export type AccessEvent = z.infer<typeof AccessEvent>;

/**
 * "I have the admin site open": a member's heartbeat as subscribers receive it. Whatever the member
 * published is replaced by the presence handler: the caller's own id and the time it arrived. The
 * site shows the name from the org's member list, never anything a publisher could choose.
 */
export const PresenceEvent = z.strictObject({ userId: UserId, at: z.iso.datetime() });
export type PresenceEvent = z.infer<typeof PresenceEvent>;

/** How often the site says it is there, and how long a member counts as online after the last word. */
export const presenceHeartbeatMs = 20_000;
export const presenceWindowMs = 60_000;

/**
 * A reply as the model writes it, on the conversation's channel: numbered pieces of text, then
 * `done` (the stored reply's id: fetch it through the API for its citations and counts) or `failed`
 * (the stored failure's reason). `replyTo` is the question's id, so two sends on one conversation
 * never mix. Only the text the reply itself shows travels here; never passages, prompts or keys.
 */
const MessageId = ConversationMessage.shape.id;
const streamed = { replyTo: MessageId, seq: z.number().check(z.int(), z.nonnegative()) };
export const ReplyStreamEvent = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('delta'), ...streamed, text: z.string() }),
  z.strictObject({ kind: z.literal('done'), ...streamed, messageId: MessageId }),
  z.strictObject({ kind: z.literal('failed'), ...streamed, error: z.string() }),
]);
export type ReplyStreamEvent = z.infer<typeof ReplyStreamEvent>;
