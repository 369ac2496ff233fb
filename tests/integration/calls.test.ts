/**
 * Call records (README "Call records (issue 21)") end to end: the worker's side through the runtime
 * routes with real client-credentials tokens, the LiveKit side through signed webhooks from the
 * LiveKit stand-in, and the org's reads (lists by time, agent, day, outcome; the summary; a call's
 * transcript, tool calls, usage and cost) against DynamoDB Local.
 */
import { describe, expect, it } from 'vitest';
import { type RuntimeRequest, workerSide } from '../../infra/local/worker-side';
import { call } from '../support/api';
import { runtimeToken } from '../support/dev-cognito';
import { livekitStandinForFile, receiveWebhooksFrom } from '../support/livekit';
import { addMember, createOrg, tenantSnapshot } from '../support/tenancy';

const standin = await livekitStandinForFile({
  apiKey: 'devkey-calls',
  apiSecret: 'dev-secret-for-livekit-calls-0123456789',
  trunkId: 'ST_calls',
});
await receiveWebhooksFrom(standin);

async function team(tag: string) {
  const owner = `owner@${tag}.test`;
  const org = await createOrg(owner, { plan: 'starter' });
  const viewer = `viewer@${tag}.test`;
  await addMember(org.id, owner, viewer, 'viewer');
  const agent = (
    await call('POST', `/orgs/${org.id}/agents`, { as: owner, body: { name: 'Reception', type: 'voice' } })
  ).body as { id: string };
  const config = await call('PUT', `/orgs/${org.id}/agents/${agent.id}/config`, {
    as: owner,
    body: {
      ttsConfig: { provider: 'openai', voiceId: 'alloy', model: 'tts-1', speed: 1, language: 'en-US' },
      sttConfig: { provider: 'deepgram', model: 'nova-3', language: 'en-US' },
    },
  });
  expect(config.status, JSON.stringify(config.body)).toBe(200);
  return { owner, viewer, org, agent };
}

const start = async (body: Record<string, unknown>) =>
  call('POST', '/runtime/calls', { token: await runtimeToken(), body });
const events = async (callId: string, list: Record<string, unknown>[]) =>
  call('POST', `/runtime/calls/${callId}/events`, { token: await runtimeToken(), body: { events: list } });

const room = (n: string) => ({ roomName: `call-room-${n}`, roomSid: `RM_${n}` });

describe('POST /runtime/calls', () => {
  it('records a room’s call once, with its transcript’s conversation; runtime tokens only; bad input names the field', async () => {
    const { org, agent, owner } = await team('calls-start');
    const body = {
      agentId: agent.id,
      ...room('start1'),
      startedAt: '2026-03-02T10:00:00Z',
      via: 'test_call',
    };
    const first = await start(body);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ orgId: org.id, agentId: agent.id, created: true });
    expect(first.body.callId).toMatch(/^cal_/);
    const again = await start({ ...body, startedAt: '2026-03-02T10:00:02Z' });
    expect(again.body).toEqual({ ...first.body, created: false });

    const conversation = await call(
      'GET',
      `/orgs/${org.id}/agents/${agent.id}/conversations/${first.body.conversationId}`,
      { as: owner },
    );
    expect(conversation.body).toMatchObject({
      channel: 'test_call',
      createdBy: { kind: 'call', id: first.body.callId },
    });

    expect((await call('POST', '/runtime/calls', { as: owner, body })).status).toBe(403);
    const before = await tenantSnapshot(org.id);
    const bad = await start({ ...body, roomSid: undefined, from: '555' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['from', 'roomSid']);
    expect(await tenantSnapshot(org.id)).toEqual(before);
  });

  it('refuses an inactive agent as GET /runtime/agents does, and an unknown one with 404', async () => {
    const { org, agent, owner } = await team('calls-inactive');
    await call('PATCH', `/orgs/${org.id}/agents/${agent.id}`, { as: owner, body: { status: 'inactive' } });
    const runtime = await call('GET', `/runtime/agents/${agent.id}`, { token: await runtimeToken() });
    const refused = await start({
      agentId: agent.id,
      ...room('inactive'),
      startedAt: '2026-03-02T10:00:00Z',
      via: 'phone',
    });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toBe(runtime.body.detail);
    const unknown = await start({
      agentId: 'agt_01ARZ3NDEKTSV4RRFFQ69G5FAV',
      ...room('unknown'),
      startedAt: '2026-03-02T10:00:00Z',
      via: 'phone',
    });
    expect(unknown.status).toBe(404);
  });
});

describe('POST /runtime/calls/{callId}/events and the org’s reads', () => {
  it('records speech, tools, usage and the end once each; the call reads back with transcript, tools, usage and cost', async () => {
    const { org, agent, viewer } = await team('calls-events');
    const started = (
      await start({
        agentId: agent.id,
        ...room('events1'),
        startedAt: '2026-03-03T09:00:00Z',
        via: 'phone',
        from: '+442071838750',
        to: '+14155550100',
      })
    ).body;
    const list = [
      {
        id: 'ev-1',
        at: '2026-03-03T09:00:01Z',
        type: 'speech',
        role: 'assistant',
        text: 'Hello, this is Reception.',
      },
      {
        id: 'ev-2',
        at: '2026-03-03T09:01:00Z',
        type: 'tool',
        name: 'transfer',
        arguments: { number: '+14155550199' },
        result: { ok: true },
      },
      {
        id: 'ev-3',
        at: '2026-03-03T09:01:30Z',
        type: 'usage',
        sttSeconds: 90,
        llmInputTokens: 1200,
        llmOutputTokens: 300,
        ttsCharacters: 400,
        telephonySeconds: 90,
      },
      { id: 'ev-4', at: '2026-03-03T09:01:30Z', type: 'end', reason: 'transfer', detail: 'to +14155550199' },
    ];
    const first = await events(started.callId, list);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toEqual({ recorded: 4, duplicates: 0 });

    const before = await tenantSnapshot(org.id);
    expect((await events(started.callId, list)).body).toEqual({ recorded: 0, duplicates: 4 });
    expect(await tenantSnapshot(org.id)).toEqual(before);
    // A second usage report adds to the first.
    expect(
      (await events(started.callId, [{ ...list[2], id: 'ev-5', sttSeconds: 10, telephonySeconds: 10 }])).body,
    ).toEqual({
      recorded: 1,
      duplicates: 0,
    });

    const detail = await call('GET', `/orgs/${org.id}/calls/${started.callId}`, { as: viewer });
    expect(detail.status, JSON.stringify(detail.body)).toBe(200);
    const { call: record, transcript, toolCalls } = detail.body;
    expect(record).toMatchObject({
      agentId: agent.id,
      via: 'phone',
      direction: 'inbound',
      from: '+442071838750',
      to: '+14155550100',
      startedAt: '2026-03-03T09:00:00.000Z',
      endedAt: '2026-03-03T09:01:30.000Z',
      durationSeconds: 90,
      outcome: 'transfer',
      endReason: 'transfer',
      endDetail: 'to +14155550199',
      usage: {
        sttSeconds: 100,
        llmInputTokens: 2400,
        llmOutputTokens: 600,
        ttsCharacters: 800,
        telephonySeconds: 100,
      },
    });
    expect(transcript).toEqual([
      expect.objectContaining({
        role: 'assistant',
        text: 'Hello, this is Reception.',
        at: '2026-03-03T09:00:01.000Z',
        scripted: true,
      }),
    ]);
    expect(toolCalls).toEqual([
      expect.objectContaining({
        id: 'ev-2',
        name: 'transfer',
        arguments: { number: '+14155550199' },
        result: { ok: true },
        by: 'worker',
      }),
    ]);
    const { cost } = record;
    expect(cost.currency).toBe('USD');
    expect(cost.pricesAsOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(cost.lines.map((l: { component: string }) => l.component)).toEqual([
      'stt',
      'llm_input',
      'llm_output',
      'tts',
      'telephony',
    ]);
    expect(cost.totalMicros).toBe(
      cost.lines.reduce((sum: number, l: { amountMicros: number }) => sum + l.amountMicros, 0),
    );
    // 100 s at Deepgram nova-3's $0.0077 a minute: 12,833 millionths of a dollar; 800 characters
    // of OpenAI tts-1 at $15 a million: 12,000; 100 s of a US inbound minute at $0.0085: 14,167.
    expect(cost.lines[0]).toMatchObject({ item: 'deepgram:nova-3', quantity: 100, amountMicros: 12_833 });
    expect(cost.lines[3]).toMatchObject({ item: 'openai:tts-1', quantity: 800, amountMicros: 12_000 });
    expect(cost.lines[4]).toMatchObject({ quantity: 100, amountMicros: 14_167 });
  });

  it('refuses bad events naming the field, unknown calls with 404, and anything but the runtime', async () => {
    const { org, agent, owner } = await team('calls-bad-events');
    const { callId } = (
      await start({ agentId: agent.id, ...room('bad1'), startedAt: '2026-03-03T09:00:00Z', via: 'test_call' })
    ).body;
    const before = await tenantSnapshot(org.id);
    const bad = await events(callId, [
      { id: 'x1', at: '2026-03-03T09:00:01Z', type: 'end', reason: 'bored' },
    ]);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('events.0.reason');
    const empty = await events(callId, []);
    expect(empty.status).toBe(400);
    expect(empty.body.errors[0].field).toBe('events');
    expect(await tenantSnapshot(org.id)).toEqual(before);
    expect(
      (
        await events('cal_01ARZ3NDEKTSV4RRFFQ69G5FAV', [
          { id: 'y', at: '2026-03-03T09:00:01Z', type: 'end', reason: 'error' },
        ])
      ).status,
    ).toBe(404);
    const asOwner = await call('POST', `/runtime/calls/${callId}/events`, {
      as: owner,
      body: { events: [{ id: 'z', at: '2026-03-03T09:00:01Z', type: 'end', reason: 'error' }] },
    });
    expect(asOwner.status).toBe(403);
  });

  it('lists calls newest first, by agent, day and outcome (one at a time), sums them, and hides them from other orgs', async () => {
    const { org, agent, owner, viewer } = await team('calls-lists');
    const second = (
      await call('POST', `/orgs/${org.id}/agents`, { as: owner, body: { name: 'Sales', type: 'voice' } })
    ).body as { id: string };
    const a = (
      await start({ agentId: agent.id, ...room('list-a'), startedAt: '2026-03-04T08:00:00Z', via: 'phone' })
    ).body;
    const b = (
      await start({ agentId: second.id, ...room('list-b'), startedAt: '2026-03-05T08:00:00Z', via: 'phone' })
    ).body;
    await events(a.callId, [
      { id: 'end', at: '2026-03-04T08:02:00Z', type: 'end', reason: 'caller_hung_up' },
    ]);

    const ids = async (query: string) => {
      const res = await call('GET', `/orgs/${org.id}/calls${query}`, { as: viewer });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.items.map((c: { id: string }) => c.id);
    };
    expect(await ids('')).toEqual([b.callId, a.callId]);
    expect(await ids(`?agentId=${second.id}`)).toEqual([b.callId]);
    expect(await ids('?day=2026-03-04')).toEqual([a.callId]);
    expect(await ids('?outcome=caller_hung_up')).toEqual([a.callId]);
    expect(await ids('?outcome=in_progress')).toEqual([b.callId]);
    const paged = await call('GET', `/orgs/${org.id}/calls?limit=1`, { as: viewer });
    expect(paged.body.items).toHaveLength(1);
    const next = await call(
      'GET',
      `/orgs/${org.id}/calls?limit=1&cursor=${encodeURIComponent(paged.body.nextCursor)}`,
      {
        as: viewer,
      },
    );
    expect(next.body.items[0].id).toBe(a.callId);

    const both = await call('GET', `/orgs/${org.id}/calls?agentId=${agent.id}&day=2026-03-04`, {
      as: viewer,
    });
    expect(both.status).toBe(400);
    expect(both.body.errors[0].field).toBe('day');

    const summary = await call('GET', `/orgs/${org.id}/calls/summary?from=2026-03-04&to=2026-03-06`, {
      as: viewer,
    });
    expect(summary.body).toMatchObject({
      calls: 2,
      seconds: 120,
      averageSeconds: 120,
      outcomes: { caller_hung_up: 1, in_progress: 1, transfer: 0 },
      currency: 'USD',
    });
    const oneDay = await call('GET', `/orgs/${org.id}/calls/summary?from=2026-03-05&to=2026-03-06`, {
      as: viewer,
    });
    expect(oneDay.body.calls).toBe(1);

    const stranger = 'owner@calls-stranger.test';
    await createOrg(stranger);
    expect((await call('GET', `/orgs/${org.id}/calls`, { as: stranger })).status).toBe(404);
    expect((await call('GET', `/orgs/${org.id}/calls/${a.callId}`, { as: stranger })).status).toBe(404);
  });
});

describe('the LiveKit webhook and the worker keep one call per room', () => {
  it('a test call the webhook records first: the worker finds it, the task links it, the room’s end ends it', async () => {
    const { org, agent, owner } = await team('calls-webhook');
    const session = (await call('POST', `/orgs/${org.id}/agents/${agent.id}/sessions`, { as: owner })).body;
    const { room: roomName } = await standin.joinWithToken(session.token);
    const livekitRoom = standin.rooms().find((r) => r.name === roomName)!;
    const listed = (await call('GET', `/orgs/${org.id}/calls`, { as: owner })).body.items;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ roomName, via: 'test_call', outcome: 'in_progress' });

    const worker = await start({
      agentId: agent.id,
      roomName,
      roomSid: livekitRoom.sid,
      startedAt: new Date().toISOString(),
      via: 'test_call',
    });
    expect(worker.body).toMatchObject({
      callId: listed[0].id,
      created: false,
      conversationId: listed[0].conversationId,
    });

    await standin.endCall(roomName, 30);
    const { call: ended } = (await call('GET', `/orgs/${org.id}/calls/${listed[0].id}`, { as: owner })).body;
    // The worker joined and sent no end: the caller hung up.
    expect(ended).toMatchObject({ outcome: 'caller_hung_up', durationSeconds: 30 });
    const task = (await call('GET', `/orgs/${org.id}/tasks/${ended.taskId}`, { as: owner })).body;
    expect(task).toMatchObject({ type: 'call', status: 'completed', metadata: { callId: ended.id } });
  });

  it('a call no worker answered ends as no_answer', async () => {
    const { org, agent, owner } = await team('calls-unanswered');
    const session = (await call('POST', `/orgs/${org.id}/agents/${agent.id}/sessions`, { as: owner })).body;
    const { room: roomName } = await standin.joinWithToken(session.token);
    await standin.endCall(roomName, 12);
    const [record] = (await call('GET', `/orgs/${org.id}/calls?outcome=no_answer`, { as: owner })).body.items;
    expect(record).toMatchObject({ roomName, durationSeconds: 12, endReason: 'no_answer' });
  });
});

/**
 * The worker's side as the stand-in plays it, through the route handlers (the phone e2e test plays
 * it over HTTP against the local stack). The turns route answers NDJSON, which this JSON client
 * does not read: here the worker side is told it is absent, and the call has no model turn.
 */
const throughHandlers: RuntimeRequest = async (method, path, body) => {
  if (path.endsWith('/turns')) return { status: 404, text: '' };
  const res = await call(method, path, { token: await runtimeToken(), body });
  return { status: res.status, text: JSON.stringify(res.body ?? null) };
};

describe('the LiveKit stand-in plays the worker’s side', () => {
  it('a phone call it plays leaves a complete record: greeting, usage, the caller hanging up', async () => {
    const { org, agent, owner } = await team('calls-standin-worker');
    await call('PATCH', `/orgs/${org.id}/agents/${agent.id}`, {
      as: owner,
      body: { initialMessage: 'Thanks for calling Reception.' },
    });
    const e164 = '+14155550177';
    await call('POST', `/orgs/${org.id}/phone-numbers`, { as: owner, body: { e164 } });
    await call('PATCH', `/orgs/${org.id}/phone-numbers/${encodeURIComponent(e164)}`, {
      as: owner,
      body: { agentId: agent.id },
    });
    standin.setWorker(workerSide(throughHandlers));
    try {
      const { room } = await standin.inboundCall({ from: '+442071838751', to: e164 });
      await standin.endCall(room, 65);
    } finally {
      standin.setWorker(undefined);
    }
    const [listed] = (await call('GET', `/orgs/${org.id}/calls`, { as: owner })).body.items;
    const detail = (await call('GET', `/orgs/${org.id}/calls/${listed.id}`, { as: owner })).body;
    expect(detail.call).toMatchObject({
      via: 'phone',
      from: '+442071838751',
      to: e164,
      durationSeconds: 65,
      endReason: 'caller_hung_up',
      usage: { sttSeconds: 65, telephonySeconds: 65, ttsCharacters: 'Thanks for calling Reception.'.length },
    });
    expect(detail.call.taskId).toMatch(/^tsk_/);
    expect(detail.transcript).toEqual([
      expect.objectContaining({ role: 'assistant', text: 'Thanks for calling Reception.', scripted: true }),
    ]);
    expect(detail.call.cost.totalMicros).toBeGreaterThan(0);
  });
});
