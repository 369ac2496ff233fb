/**
 * Live updates over real connections on the local stack (infra/local/stack.ts, what `npm start`
 * runs): WebSockets speaking AppSync Events' protocol to the stand-in, which asks the same
 * authorizer the deployed API does; task changes come from DynamoDB Local's stream through the
 * same publisher the Lambda runs, whichever path wrote them. A member removed, or an org suspended,
 * stops hearing the org on sockets opened before; presence is stamped with who sent it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { channelOf } from '../../functions/api/live';
import { type LiveTestClient, liveStack } from '../support/live';
import { devToken, joinOrg, stackApi } from '../support/local-stack';

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

const taskEvent = (client: LiveTestClient, subscription: string, taskId: string, version?: number) =>
  client.next((m) => {
    if (m.type !== 'data' || m.id !== subscription) return false;
    const event = JSON.parse(m.event!);
    return event.taskId === taskId && (!version || event.version === version);
  });

/** The task ids a subscription has been told of. */
const taskIdsOf = (client: LiveTestClient, subscription: string) =>
  (client.events(subscription) as { taskId: string }[]).map((e) => e.taskId);

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
    // Ids and a version only: the site refetches the rest, and a stale socket learns nothing more.
    expect(event).toEqual({
      kind: 'created',
      taskId: created.id,
      version: created.version,
      updatedAt: created.updatedAt,
    });

    const moved = await api(people.alice, 'PATCH', `/orgs/${orgA}/tasks/${created.id}`, {
      status: 'in_progress',
    });
    await taskEvent(alice, aliceTasks, created.id, moved.version);

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
    expect(event).toEqual({ kind: 'created', taskId: task.id, version: 1, updatedAt: task.updatedAt });
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
    expect((await alice.publish(channelOf(orgC, 'presence'), [{}])).type).toBe('publish_error');

    await api(operator, 'POST', `/admin/orgs/${orgC}/reactivate`);
    await subscribed(alice, channelOf(orgC, 'tasks'));
  });

  it('ends the subscriptions its members opened before, and tells their sites', async () => {
    const { newTask } = await import('../../functions/domain/tasks');
    const tasks = await import('../../functions/data/tasks');
    const operator = await devToken(
      suite.stack.url,
      String(process.env.PLATFORM_SUPERADMIN_EMAIL),
      'Operator',
    );
    const orgS = (await api(people.alice, 'POST', '/orgs', { name: 'Live S' })).id;
    const alice = await connect(people.alice);
    const stale = await subscribed(alice, channelOf(orgS, 'tasks'));
    const access = await subscribed(alice, channelOf(orgS, 'access'));
    const open = await subscribed(alice, channelOf(orgA, 'tasks'));

    await api(operator, 'POST', `/admin/orgs/${orgS}/suspend`);
    const word = await alice.next((m) => m.type === 'data' && m.id === access);
    expect(JSON.parse(word.event!)).toEqual({ kind: 'suspended' });

    // A write the API would refuse now, as a worker might still make it; then one in another org.
    const creator = { kind: 'integration', id: 'livekit' } as const;
    const hidden = newTask(
      orgS,
      { type: 'other', priority: 'low', subject: 'While suspended' },
      creator,
      new Date(),
    );
    await tasks.createTask(hidden);
    const later = newTask(
      orgA,
      { type: 'other', priority: 'low', subject: 'Elsewhere' },
      creator,
      new Date(),
    );
    await tasks.createTask(later);
    await taskEvent(alice, open, later.id);
    expect(taskIdsOf(alice, stale)).not.toContain(hidden.id);
    expect(alice.messages).toContainEqual(expect.objectContaining({ type: 'error', id: stale }));
  });
});

describe('a member removed from the org', () => {
  let orgR: string;
  let agentId: string;

  beforeAll(async () => {
    orgR = (await api(people.alice, 'POST', '/orgs', { name: 'Live R' })).id;
    agentId = (await api(people.alice, 'POST', `/orgs/${orgR}/agents`, { name: 'Desk', type: 'chat' })).id;
    await api(people.alice, 'POST', `/orgs/${orgR}/knowledge`, {
      title: 'Parking',
      content: 'Visitors park in the basement garage beside the lifts; the first two hours are free.',
    });
  });

  /** A member who joins orgR, with their id. */
  async function member(email: string) {
    const token = await joinOrg(suite.stack.url, people.alice, orgR, email, 'member');
    return { token, id: (await api(token, 'GET', '/me')).id as string };
  }

  it('stops hearing its task events and reply deltas on the socket they opened before', async () => {
    const carol = await member('carol.live@example.com');
    const conversationId = (
      await api(people.alice, 'POST', `/orgs/${orgR}/agents/${agentId}/conversations`, { channel: 'console' })
    ).id;
    const replies = channelOf(orgR, 'conversations', conversationId);
    const stale = await connect(carol.token);
    const staleTasks = await subscribed(stale, channelOf(orgR, 'tasks'));
    const staleReplies = await subscribed(stale, replies);
    const alice = await connect(people.alice);
    const aliceTasks = await subscribed(alice, channelOf(orgR, 'tasks'));
    const aliceReplies = await subscribed(alice, replies);

    const before = await api(people.alice, 'POST', `/orgs/${orgR}/tasks`, {
      type: 'other',
      subject: 'Before',
    });
    await taskEvent(stale, staleTasks, before.id);

    await api(people.alice, 'DELETE', `/orgs/${orgR}/members/${carol.id}`);
    // This client does not obey the revocation: the stand-in ends its subscriptions itself.
    await stale.next((m) => m.type === 'error' && m.id === staleTasks);

    const after = await api(people.alice, 'POST', `/orgs/${orgR}/tasks`, { type: 'other', subject: 'After' });
    await api(
      people.alice,
      'POST',
      `/orgs/${orgR}/agents/${agentId}/conversations/${conversationId}/messages`,
      { text: 'Where do visitors park? [fault:drip]' },
    );
    // Alice, still a member, hears both; what reached her would have reached Carol's socket by now.
    await taskEvent(alice, aliceTasks, after.id);
    await alice.next(
      (m) => m.type === 'data' && m.id === aliceReplies && JSON.parse(m.event!).kind === 'done',
      15_000,
    );
    expect(taskIdsOf(stale, staleTasks)).toEqual([before.id]);
    expect(stale.events(staleReplies)).toEqual([]);
  });

  it('is told on the org’s access channel, so their site stops listening', async () => {
    const dave = await member('dave.live@example.com');
    const erin = await member('erin.live@example.com');
    const daveSocket = await connect(dave.token);
    const erinSocket = await connect(erin.token);
    const daveAccess = await subscribed(daveSocket, channelOf(orgR, 'access'));
    const erinAccess = await subscribed(erinSocket, channelOf(orgR, 'access'));

    await api(people.alice, 'DELETE', `/orgs/${orgR}/members/${dave.id}`);
    const word = await daveSocket.next((m) => m.type === 'data' && m.id === daveAccess);
    expect(JSON.parse(word.event!)).toEqual({ kind: 'revoked', userId: dave.id });
    // Others hear it too (the channel is the org's), and stay subscribed: it names someone else.
    await erinSocket.next((m) => m.type === 'data' && m.id === erinAccess);
    expect(erinSocket.messages.filter((m) => m.type === 'error')).toEqual([]);
    // Nobody but the publisher speaks on the access channel.
    expect((await erinSocket.publish(channelOf(orgR, 'access'), [{ kind: 'suspended' }])).type).toBe(
      'publish_error',
    );
  });
});

describe('presence', () => {
  it('lets members publish and hear heartbeats on their org’s presence channel only', async () => {
    const alice = await connect(people.alice);
    const bob = await connect(people.bob);
    const aliceId = (await api(people.alice, 'GET', '/me')).id;
    const channel = channelOf(orgA, 'presence');
    const subscription = await subscribed(alice, channel);
    expect((await alice.publish(channel, [{}])).type).toBe('publish_success');
    await alice.next((m) => m.type === 'data' && m.id === subscription);
    expect(alice.events(subscription)).toEqual([{ userId: aliceId, at: expect.any(String) }]);

    expect((await bob.publish(channel, [{}])).type).toBe('publish_error');
    // Members may not publish task events: those come from the publisher alone.
    expect((await alice.publish(channelOf(orgA, 'tasks'), [{ kind: 'deleted' }])).type).toBe('publish_error');
  });

  it('stamps a heartbeat with its publisher’s own id and the time it arrived, whatever it claims', async () => {
    const alice = await connect(people.alice);
    const aliceId = (await api(people.alice, 'GET', '/me')).id;
    const bobId = (await api(people.bob, 'GET', '/me')).id;
    const channel = channelOf(orgA, 'presence');
    const subscription = await subscribed(alice, channel);
    const forged = {
      userId: bobId,
      name: 'The CEO',
      picture: 'https://tracker.example/pixel.gif',
      at: '2099-01-01T00:00:00.000Z',
    };
    const sent = Date.now();
    expect((await alice.publish(channel, [forged, forged])).type).toBe('publish_success');
    const heard = await alice.next((m) => m.type === 'data' && m.id === subscription);
    const event = JSON.parse(heard.event!);
    expect(event).toEqual({ userId: aliceId, at: expect.any(String) });
    expect(Date.parse(event.at)).toBeGreaterThanOrEqual(sent - 1_000);
    expect(Date.parse(event.at)).toBeLessThanOrEqual(Date.now());
    // One heartbeat per publish, however many events it carried.
    await new Promise((r) => setTimeout(r, 200));
    expect(alice.events(subscription)).toHaveLength(1);
  });
});
