/**
 * The live channels: what the admin site subscribes to and what travels on them. One AppSync
 * Events channel namespace (`orgs`) holds two channels per org, so a subscription names the org it
 * is for and the authorizer checks that one membership. The publisher (functions/jobs/
 * publish-changes.ts), the authorizer, the local stand-in and the web client all read this file.
 */
import * as z from 'zod';
import { UserId } from './schemas/members';
import { OrgId } from './schemas/orgs';
import { Task, TaskId } from './schemas/tasks';

export const liveNamespace = 'orgs';

export type ChannelKind = 'tasks' | 'presence';

export const channelOf = (orgId: string, kind: ChannelKind) => `/${liveNamespace}/${orgId}/${kind}`;

/** The org and kind a channel path names, or undefined for any other path (wildcards included). */
export function parseChannel(path: string): { orgId: string; kind: ChannelKind } | undefined {
  const [empty, namespace, orgId, kind, ...rest] = path.split('/');
  if (empty !== '' || namespace !== liveNamespace || rest.length > 0) return undefined;
  if (!OrgId.safeParse(orgId).success || (kind !== 'tasks' && kind !== 'presence')) return undefined;
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
