/**
 * Streamed replies over real connections on the local stack (what `npm start` runs): a member
 * subscribed to a conversation's channel sees the reply's text arrive in numbered deltas while the
 * LLM stand-in streams it, then `done`, and the HTTP answer still holds the reply whole; another
 * org's member cannot listen; a stream that breaks mid-answer ends in `failed` beside the stored
 * failed reply.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { channelOf, type ReplyStreamEvent } from '../../functions/api/live';
import { type LiveTestClient, liveStack } from '../support/live';
import { devToken, stackApi } from '../support/local-stack';

const suite = liveStack();
let api: ReturnType<typeof stackApi>;
const people = { alice: '', bob: '' };
let orgA: string;
let agentId: string;

beforeAll(async () => {
  api = stackApi(suite.stack.url);
  people.alice = await devToken(suite.stack.url, 'alice.stream@example.com', 'Alice');
  people.bob = await devToken(suite.stack.url, 'bob.stream@example.com', 'Bob');
  orgA = (await api(people.alice, 'POST', '/orgs', { name: 'Stream A' })).id;
  await api(people.bob, 'POST', '/orgs', { name: 'Stream B' });
  agentId = (await api(people.alice, 'POST', `/orgs/${orgA}/agents`, { name: 'Help desk', type: 'chat' })).id;
  await api(people.alice, 'POST', `/orgs/${orgA}/knowledge`, {
    title: 'Parking',
    content:
      'Visitors park in the basement garage beside the lifts; the barrier opens with the code from reception, and the first two hours are free for every visitor.',
  });
}, 60_000);

const connect = (token: string) => suite.connect(token);

async function conversation(): Promise<string> {
  return (
    await api(people.alice, 'POST', `/orgs/${orgA}/agents/${agentId}/conversations`, { channel: 'console' })
  ).id;
}

/** Sends as Alice over HTTP; the status and body, whatever they are. */
async function send(conversationId: string, text: string) {
  const res = await fetch(
    `${suite.stack.url}/api/orgs/${orgA}/agents/${agentId}/conversations/${conversationId}/messages`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${people.alice}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
    },
  );
  return { status: res.status, body: await res.json() };
}

/** The events of a subscription once its last (done or failed) has arrived. */
async function streamed(client: LiveTestClient, subscription: string): Promise<ReplyStreamEvent[]> {
  await client.next((m) => {
    if (m.type !== 'data' || m.id !== subscription) return false;
    const kind = (JSON.parse(m.event!) as ReplyStreamEvent).kind;
    return kind === 'done' || kind === 'failed';
  }, 15_000);
  return client.events(subscription) as ReplyStreamEvent[];
}

const textOf = (events: ReplyStreamEvent[]) => events.map((e) => (e.kind === 'delta' ? e.text : '')).join('');

describe('streamed replies', () => {
  it('delivers ordered deltas whose text is the stored reply, then done; the HTTP answer is whole', async () => {
    const conversationId = await conversation();
    const alice = await connect(people.alice);
    const subscribed = await alice.subscribe(channelOf(orgA, 'conversations', conversationId));
    expect(subscribed.type, JSON.stringify(subscribed)).toBe('subscribe_success');

    // Pieces a quarter second apart, as a model writes: several deltas, not one.
    const { status, body } = await send(conversationId, 'Where do visitors park? [fault:drip]');
    expect(status).toBe(201);
    const events = await streamed(alice, subscribed.id!);
    const deltas = events.filter((e) => e.kind === 'delta');
    expect(deltas.length).toBeGreaterThan(1);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
    expect(events.every((e) => e.replyTo === body.message.id)).toBe(true);
    expect(body.reply.text).toMatch(/According to \[entry:.*\] Visitors park in the basement garage/);
    expect(textOf(events)).toBe(body.reply.text);
    expect(events.at(-1)).toEqual({
      kind: 'done',
      replyTo: body.message.id,
      seq: events.length - 1,
      messageId: body.reply.id,
    });
    // The text and nothing else: no passages, prompts or citations ride along.
    for (const event of deltas) expect(Object.keys(event).sort()).toEqual(['kind', 'replyTo', 'seq', 'text']);

    const stored = await api(
      people.alice,
      'GET',
      `/orgs/${orgA}/agents/${agentId}/conversations/${conversationId}/messages`,
    );
    expect(stored.items.at(-1).text).toBe(textOf(events));
  });

  it('lets no member of another org listen, and no member publish, on a conversation channel', async () => {
    const conversationId = await conversation();
    const channel = channelOf(orgA, 'conversations', conversationId);
    const bob = await connect(people.bob);
    expect((await bob.subscribe(channel)).type).toBe('subscribe_error');
    const alice = await connect(people.alice);
    const forged = { kind: 'delta', replyTo: 'msg_x', seq: 0, text: 'Pay to this account' };
    expect((await alice.publish(channel, [forged])).type).toBe('publish_error');

    await send(conversationId, 'Where do visitors park?');
    expect(JSON.stringify(bob.messages)).not.toContain(conversationId);
    expect(bob.messages.filter((m) => m.type === 'data')).toEqual([]);
  });

  it('ends a stream that breaks mid-answer with failed, beside the stored failed reply', async () => {
    const conversationId = await conversation();
    const alice = await connect(people.alice);
    const subscribed = await alice.subscribe(channelOf(orgA, 'conversations', conversationId));
    expect(subscribed.type).toBe('subscribe_success');

    const { status, body } = await send(conversationId, 'Where do visitors park? [fault:malformed]');
    expect(status).toBe(502);
    const events = await streamed(alice, subscribed.id!);
    expect(events.at(-1)).toMatchObject({
      kind: 'failed',
      error: 'The model provider sent a reply that could not be read.',
    });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
    // The stream broke after its first pieces, which the watcher saw before the failure.
    expect(events.filter((e) => e.kind === 'delta').length).toBeGreaterThan(0);
    expect(body.detail).toBe('The model provider sent a reply that could not be read.');

    const stored = await api(
      people.alice,
      'GET',
      `/orgs/${orgA}/agents/${agentId}/conversations/${conversationId}/messages`,
    );
    const [question, reply] = stored.items;
    expect(question.text).toContain('Where do visitors park?');
    expect(reply).toMatchObject({
      status: 'failed',
      text: '',
      error: 'The model provider sent a reply that could not be read.',
    });
  });
});
