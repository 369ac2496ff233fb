/**
 * The live channels: what the admin site subscribes to and what travels on them. One AppSync
 * Events channel namespace (`orgs`) holds the channels of every org, each path naming the org it
 * is for, so the authorizer checks that one membership: `/orgs/<orgId>/tasks`, `/orgs/<orgId>/
 * presence` and `/orgs/<orgId>/conversations/<conversationId>` (a reply as it is written). The
 * publishers (functions/jobs/publish-changes.ts, adapters/reply-stream.ts), the authorizer, the
 * local stand-in and the web client all read this file.
 */
import * as z from 'zod';
import { ConversationId, ConversationMessage } from './schemas/conversations';
import { UserId } from './schemas/members';
import { OrgId } from './schemas/orgs';
import { Task, TaskId } from './schemas/tasks';

export const liveNamespace = 'orgs';

export type ChannelKind = 'tasks' | 'presence' | 'conversations';

export type Channel =
  | { orgId: string; kind: 'tasks' | 'presence' }
  | { orgId: string; kind: 'conversations'; conversationId: string };

export function channelOf(orgId: string, kind: 'tasks' | 'presence'): string;
export function channelOf(orgId: string, kind: 'conversations', conversationId: string): string;
export function channelOf(orgId: string, kind: ChannelKind, conversationId?: string): string {
  const org = `/${liveNamespace}/${orgId}/${kind}`;
  return kind === 'conversations' ? `${org}/${conversationId}` : org;
}

/** The channel a path names, or undefined for any other path (wildcards included). */
export function parseChannel(path: string): Channel | undefined {
  const [empty, namespace, orgId, kind, conversationId, ...rest] = path.split('/');
  if (empty !== '' || namespace !== liveNamespace || rest.length > 0) return undefined;
  if (!OrgId.safeParse(orgId).success) return undefined;
  if (kind === 'conversations') {
    if (!ConversationId.safeParse(conversationId).success) return undefined;
    return { orgId: orgId!, kind, conversationId: conversationId! };
  }
  if ((kind !== 'tasks' && kind !== 'presence') || conversationId !== undefined) return undefined;
  return { orgId: orgId!, kind };
}

/**
 * A change to one task, as the board needs it: where the card goes and what it shows. Never the
 * content, metadata or addresses: subscribers are the org's members, but a board event is not the
 * place for what a task says, and the smaller the event the less there is to leak.
 */
export const TaskChangeEvent = Task.pick({
  type: true,
  status: true,
  priority: true,
  subject: true,
  assignedTo: true,
  agentId: true,
  version: true,
  updatedAt: true,
}).extend({
  kind: z.enum(['created', 'updated', 'deleted']),
  taskId: TaskId,
});
export type TaskChangeEvent = z.infer<typeof TaskChangeEvent>;

/** "I have the admin site open": a member's heartbeat on the org's presence channel. */
export const PresenceEvent = z.strictObject({
  userId: UserId,
  name: z.string().max(200).nullable(),
  picture: z.string().url().max(2048).nullable(),
  at: z.iso.datetime(),
});
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
const streamed = { replyTo: MessageId, seq: z.number().int().nonnegative() };
export const ReplyStreamEvent = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('delta'), ...streamed, text: z.string() }),
  z.strictObject({ kind: z.literal('done'), ...streamed, messageId: MessageId }),
  z.strictObject({ kind: z.literal('failed'), ...streamed, error: z.string() }),
]);
export type ReplyStreamEvent = z.infer<typeof ReplyStreamEvent>;
