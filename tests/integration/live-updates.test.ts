/**
 * Live updates over real connections on the local stack (infra/local/stack.ts, what `npm start`
 * runs): WebSockets speaking AppSync Events' protocol to the stand-in, which asks the same
 * authorizer the deployed API does; task changes come from DynamoDB Local's stream through the
 * same publisher the Lambda runs, whichever path wrote them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { channelOf } from '../../functions/api/live';
import { type LiveTestClient, liveStack } from '../support/live';
import { devToken, stackApi } from '../support/local-stack';

const suite = liveStack();
let api: ReturnType<typeof stackApi>;
const people = { alice: '', bob: '' };
let orgA: string;
let orgB: string;

beforeAll(async () => {
  api = stackApi(suite.stack.url);
  people.alice = await devToken(suite.stack.url, 'alice.live@example.com', 'Alice');
  people.bob = await devToken(suite.stack.url, 'bob.live@example.com', 'Bob');
  orgA = (await api(people.alice, 'POST', '/orgs', { name: 'Live A' })).id;
  orgB = (await api(people.bob, 'POST', '/orgs', { name: 'Live B' })).id;
}, 60_000);

const connect = (token: string) => suite.connect(token);

/** Subscribes and expects success; returns the subscription id. */
async function subscribed(client: LiveTestClient, channel: string): Promise<string> {
  const reply = await client.subscribe(channel);
  expect(reply.type, JSON.stringify(reply)).toBe('subscribe_success');
  return reply.id!;
}

const taskEvent = (client: LiveTestClient, subscription: string, taskId: string, status?: string) =>
  client.next((m) => {
    if (m.type !== 'data' || m.id !== subscription) return false;
    const event = JSON.parse(m.event!);
    return event.taskId === taskId && (!status || event.status === status);
  });

describe('live task channels', () => {
  it('refuses a connection without a valid token', async () => {
    const client = await connect('not-a-token');
    expect(client.messages.map((m) => m.type)).toEqual(['connection_error']);
    expect(client.messages[0]!.errors?.[0]?.errorType).toBe('UnauthorizedException');
  });

  it('lets a member of A see A’s changes within seconds of an API write, and B never sees them', async () => {
    const alice = await connect(people.alice);
    const bob = await connect(people.bob);
    expect(alice.messages[0]).toMatchObject({
      type: 'connection_ack',
      connectionTimeoutMs: expect.any(Number),
    });

    const aliceTasks = await subscribed(alice, channelOf(orgA, 'tasks'));
    const bobTasks = await subscribed(bob, channelOf(orgB, 'tasks'));
    // Not a member of A: refused, for tasks and for presence, and for anything not a channel of ours.
    for (const channel of [channelOf(orgA, 'tasks'), channelOf(orgA, 'presence'), '/orgs/*', '/other/x']) {
      const refused = await bob.subscribe(channel);
      expect(refused.type, channel).toBe('subscribe_error');
    }

    const created = await api(people.alice, 'POST', `/orgs/${orgA}/tasks`, {
      type: 'email',
      toAddress: 'customer@example.com',
      subject: 'Follow up',
      content: 'The secret plan is in here',
      metadata: { crm: 'opportunity-42' },
    });
    const event = JSON.parse((await taskEvent(alice, aliceTasks, created.id)).event!);
    expect(event).toEqual({
      kind: 'created',
      taskId: created.id,
      type: 'email',
      status: 'pending',
      priority: 'medium',
      subject: 'Follow up',
      assignedTo: null,
      agentId: null,
      version: created.version,
      updatedAt: created.updatedAt,
    });

    await api(people.alice, 'PATCH', `/orgs/${orgA}/tasks/${created.id}`, { status: 'in_progress' });
    await taskEvent(alice, aliceTasks, created.id, 'in_progress');

    // B's own change arrives to B after A's were published; B got nothing of A's.
    const own = await api(people.bob, 'POST', `/orgs/${orgB}/tasks`, { type: 'other', subject: 'B task' });
    await taskEvent(bob, bobTasks, own.id);
    const bobSaw = bob.events(bobTasks) as { taskId: string }[];
    expect(bobSaw.map((e) => e.taskId)).toEqual([own.id]);
    expect(JSON.stringify(bob.messages)).not.toContain(created.id);
  });

  it('publishes changes made outside the API too, because they come from the stream', async () => {
    const { newTask } = await import('../../functions/domain/tasks');
    const tasks = await import('../../functions/data/tasks');
    const alice = await connect(people.alice);
    const subscription = await subscribed(alice, channelOf(orgA, 'tasks'));
    // What the LiveKit webhook does: a data-module write with no request around it.
    const task = newTask(
      orgA,
      { type: 'call', priority: 'high', toAddress: '+14155550123' },
      { kind: 'integration', id: 'livekit' },
      new Date(),
    );
    await tasks.createTask(task);
    const event = JSON.parse((await taskEvent(alice, subscription, task.id)).event!);
    expect(event).toMatchObject({ kind: 'created', type: 'call', priority: 'high' });
    expect(event).not.toHaveProperty('toAddress');
  });
});

describe('a suspended org', () => {
  it('refuses its members’ subscriptions and presence until it is reactivated', async () => {
    const operator = await devToken(
      suite.stack.url,
      String(process.env.PLATFORM_SUPERADMIN_EMAIL),
      'Operator',
    );
    const orgC = (await api(people.alice, 'POST', '/orgs', { name: 'Live C' })).id;
    const alice = await connect(people.alice);
    await subscribed(alice, channelOf(orgC, 'tasks'));

    await api(operator, 'POST', `/admin/orgs/${orgC}/suspend`);
    for (const channel of [channelOf(orgC, 'tasks'), channelOf(orgC, 'presence')]) {
      expect((await alice.subscribe(channel)).type, channel).toBe('subscribe_error');
    }
    const heartbeat = { userId: 'alice', name: 'Alice', picture: null, at: new Date().toISOString() };
    expect((await alice.publish(channelOf(orgC, 'presence'), [heartbeat])).type).toBe('publish_error');

    await api(operator, 'POST', `/admin/orgs/${orgC}/reactivate`);
    await subscribed(alice, channelOf(orgC, 'tasks'));
  });
});

describe('presence', () => {
  it('lets members publish and hear heartbeats on their org’s presence channel only', async () => {
    const alice = await connect(people.alice);
    const bob = await connect(people.bob);
    const channel = channelOf(orgA, 'presence');
    const subscription = await subscribed(alice, channel);
    const heartbeat = { userId: 'alice', name: 'Alice', picture: null, at: new Date().toISOString() };
    expect((await alice.publish(channel, [heartbeat])).type).toBe('publish_success');
    await alice.next((m) => m.type === 'data' && m.id === subscription);
    expect(alice.events(subscription)).toEqual([heartbeat]);

    expect((await bob.publish(channel, [{ ...heartbeat, userId: 'bob' }])).type).toBe('publish_error');
    // Members may not publish task events: those come from the publisher alone.
    expect((await alice.publish(channelOf(orgA, 'tasks'), [{ kind: 'deleted' }])).type).toBe('publish_error');
  });
});
