/**
 * The voice worker's turn (README "Voice worker turns and tools") through the route with real
 * runtime tokens, DynamoDB Local, the LLM stand-in (both protocols, its tool rules) and the Google
 * emulator: the NDJSON framing, each tool end to end, refusals, bad input and the model failing.
 */
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devSubject } from '../../infra/local/dev-identity';
import { startLlmStandin } from '../../infra/local/llm-standin';
import { call, captureLogs } from '../support/api';
import { connectAndSync, google, timedEvent } from '../support/calendar';
import { clientToken, runtimeToken } from '../support/dev-cognito';
import { addMember, createOrg, tenantSnapshot } from '../support/tenancy';

const standin = await startLlmStandin({ slowMs: 10_000 });
Object.assign(process.env, { BEDROCK_ENDPOINT: standin.url, LLM_TIMEOUT_MS: '1000', LLM_MAX_ATTEMPTS: '1' });
afterAll(async () => {
  await standin.stop();
  await google.stop();
});

const owner = 'rt-owner@example.com';
const ann = 'rt-ann@example.com';
const bob = 'rt-bob@example.com';
let orgId: string;
let agentId: string;
const day = 86_400_000;
const tomorrow = new Date(Math.ceil(Date.now() / day) * day + day);
const at = (hours: number) => new Date(tomorrow.getTime() + hours * 3_600_000).toISOString();

beforeAll(async () => {
  orgId = (await createOrg(owner, { plan: 'starter' })).id;
  for (const email of [ann, bob]) await addMember(orgId, owner, email, 'member');
  google.emulator.addEvents(ann, [timedEvent('Busy', new Date(at(9)), 60)]);
  for (const email of [ann, bob]) await connectAndSync(orgId, email);
  const agent = await call('POST', `/orgs/${orgId}/agents`, {
    as: owner,
    body: { name: 'Front desk', type: 'voice' },
  });
  expect(agent.status, JSON.stringify(agent.body)).toBe(201);
  agentId = agent.body.id;
});

const conversationId = () => `cnv_${ulid()}`;
const turn = async (
  text: string,
  id = conversationId(),
  extra: Record<string, unknown> = {},
  agent = agentId,
) =>
  call('POST', `/runtime/agents/${agent}/conversations/${id}/turns`, {
    token: await runtimeToken(),
    body: { text, callId: 'cal_01ARZ3NDEKTSV4RRFFQ69G5FAV', ...extra },
  });
type Event = { type: string; [key: string]: any };
const last = (events: Event[]) => events.at(-1) as Event;

describe('POST /runtime/agents/{agentId}/conversations/{conversationId}/turns', () => {
  it('answers as NDJSON: text deltas then done; creates the conversation on its first turn, marked voice', async () => {
    const id = conversationId();
    const res = await turn('Hello, what are your opening hours?', id, { channel: 'test_call' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-ndjson');
    const events = res.body as Event[];
    const done = last(events);
    expect(done).toMatchObject({ type: 'done', conversationId: id, created: true });
    expect(
      events
        .filter((e) => e.type === 'delta')
        .map((e) => e.text)
        .join(''),
    ).toBe(done.reply.text);
    expect(done.message).toMatchObject({
      role: 'user',
      via: 'voice',
      text: 'Hello, what are your opening hours?',
    });
    expect(done.reply).toMatchObject({ role: 'assistant', via: 'voice', status: 'ok' });
    const conversation = await call('GET', `/orgs/${orgId}/agents/${agentId}/conversations/${id}`, {
      as: owner,
    });
    expect(conversation.body).toMatchObject({ channel: 'test_call', messageCount: 2 });
    const again = await turn('And on Sunday?', id);
    expect(last(again.body)).toMatchObject({ created: false });
    // The model was offered every tool, and the prompt says to confirm before booking.
    const request = standin.requests.at(-1);
    expect(request?.tools.sort()).toEqual([
      'book_event',
      'create_task',
      'end_call',
      'find_free_slots',
      'transfer',
    ]);
    expect(request?.system).toMatch(/confirmed set to true only after they said yes/);
  });

  it('find_free_slots: free times of the members with calendars, busy time left out, stored and audited as the agent', async () => {
    const id = conversationId();
    const res = await turn(`When is ${ann} available after ${at(8)}?`, id);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const tool = (res.body as Event[]).find((e) => e.type === 'tool');
    expect(tool?.call).toMatchObject({
      name: 'find_free_slots',
      status: 'ok',
      arguments: { memberEmail: ann },
    });
    const slots = tool?.call.result.members[0].slots as { start: string; end: string }[];
    expect(slots.length).toBeGreaterThan(0);
    for (const slot of slots) expect(slot.end <= at(9) || slot.start >= at(10)).toBe(true);
    const done = last(res.body);
    expect(done.reply.text).toContain(`${ann} at ${slots[0]?.start}`);
    expect(done.reply.toolCalls).toEqual([tool?.call]);
    const audit = await call('GET', `/orgs/${orgId}/audit?action=agent.tool_called`, { as: owner });
    expect(audit.body.items[0]).toMatchObject({
      actor: { agentId, name: 'Front desk' },
      target: { type: 'conversation', id },
      after: { tool: 'find_free_slots', status: 'ok' },
    });
  });

  it('book_event: refused until the caller confirmed; then it lands in the member’s Google calendar', async () => {
    const id = conversationId();
    const start = at(13);
    const unconfirmed = await turn(`Please book ${start} with ${bob}`, id);
    const refused = (unconfirmed.body as Event[]).find((e) => e.type === 'tool');
    expect(refused?.call).toMatchObject({ name: 'book_event', status: 'refused' });
    expect(refused?.call.result.error).toMatch(/confirmed true/);
    expect(google.emulator.events(bob).map((e) => e.summary)).not.toContain('Appointment booked by phone');

    const confirmed = await turn(`Yes, book ${start} with ${bob}`, id);
    const booked = (confirmed.body as Event[]).find((e) => e.type === 'tool');
    expect(booked?.call).toMatchObject({
      name: 'book_event',
      status: 'ok',
      result: { start, memberEmail: bob },
    });
    const event = google.emulator.events(bob).find((e) => e.summary === 'Appointment booked by phone');
    expect(event?.start?.dateTime && new Date(event.start.dateTime).toISOString()).toBe(start);
    expect(last(confirmed.body).reply.text).toContain('Booked');
  });

  it('create_task: a follow-up task assigned to the member, created by the agent', async () => {
    const res = await turn(`Please create a follow-up task for ${ann} about the invoice`);
    const tool = (res.body as Event[]).find((e) => e.type === 'tool');
    expect(tool?.call).toMatchObject({ name: 'create_task', status: 'ok' });
    const task = await call('GET', `/orgs/${orgId}/tasks/${tool?.call.result.taskId}`, { as: owner });
    expect(task.body).toMatchObject({
      assignedTo: devSubject(ann),
      agentId,
      createdBy: { kind: 'agent', id: agentId },
      status: 'pending',
    });
  });

  it('transfer and end_call are handed back to the worker as actions', async () => {
    const transfer = await turn('Please transfer me to +14155550123');
    expect((transfer.body as Event[]).find((e) => e.type === 'action')).toEqual({
      type: 'action',
      action: { name: 'transfer', number: '+14155550123' },
    });
    const end = await turn('Thanks, goodbye');
    expect((end.body as Event[]).find((e) => e.type === 'action')).toMatchObject({
      action: { name: 'end_call' },
    });
    expect(last(end.body).reply.toolCalls[0]).toMatchObject({ name: 'end_call', status: 'handed_to_worker' });
  });

  it('the OpenAI protocol carries the tools too (tools/tool_calls, streamed)', async () => {
    const agent = await call('POST', `/orgs/${orgId}/agents`, {
      as: owner,
      body: {
        name: 'Open desk',
        type: 'voice',
        llm: {
          provider: 'openai-compatible',
          baseUrl: standin.openAiBaseUrl,
          model: 'gpt-test',
          temperature: 0,
          maxTokens: 200,
          apiKey: 'sk-test-secret-key-123456',
        },
      },
    });
    expect(agent.status, JSON.stringify(agent.body)).toBe(201);
    const { result: res, output } = await captureLogs(() =>
      turn(`Is ${bob} free after ${at(8)}?`, conversationId(), {}, agent.body.id),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect((res.body as Event[]).find((e) => e.type === 'tool')?.call).toMatchObject({
      name: 'find_free_slots',
      status: 'ok',
    });
    expect(standin.requests.at(-1)?.api).toBe('openai-stream');
    expect(JSON.stringify(res.body)).not.toContain('sk-test-secret-key-123456');
    expect(output).not.toContain('sk-test-secret-key-123456');
  });

  it('refuses people and org clients (403), inactive agents as GET /runtime/agents does, and bad input naming the field', async () => {
    const id = conversationId();
    const person = await call('POST', `/runtime/agents/${agentId}/conversations/${id}/turns`, {
      as: owner,
      body: { text: 'hi' },
    });
    expect(person.status).toBe(403);
    const client = await call('POST', `/orgs/${orgId}/api-clients`, {
      as: owner,
      body: { name: 'Bot', role: 'admin' },
    });
    const clientCall = await call('POST', `/runtime/agents/${agentId}/conversations/${id}/turns`, {
      token: await clientToken(client.body.clientId, client.body.clientSecret),
      body: { text: 'hi' },
    });
    expect(clientCall.status).toBe(403);
    const before = await tenantSnapshot(orgId);
    const bad = await call('POST', `/runtime/agents/${agentId}/conversations/not-a-conversation/turns`, {
      token: await runtimeToken(),
      body: { text: '', channel: 'fax' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['conversationId']);
    const badBody = await turn('', id, { channel: 'fax', at: 'yesterday' });
    expect(badBody.status).toBe(400);
    const fields = new Set(badBody.body.errors.map((e: { field: string }) => e.field));
    expect([...fields].sort()).toEqual(['at', 'channel', 'text']);
    expect(await tenantSnapshot(orgId)).toEqual(before);

    const other = await call('POST', `/orgs/${orgId}/agents`, {
      as: owner,
      body: { name: 'Off', type: 'voice' },
    });
    await call('PATCH', `/orgs/${orgId}/agents/${other.body.id}`, {
      as: owner,
      body: { status: 'inactive' },
    });
    const runtime = await call('GET', `/runtime/agents/${other.body.id}`, { token: await runtimeToken() });
    const refused = await turn('hello', conversationId(), {}, other.body.id);
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toBe(runtime.body.detail);
  });

  it('the model failing is a 502 with the question kept and a failed reply stored', async () => {
    const id = conversationId();
    const res = await turn('What are your prices? [fault:500]', id);
    expect(res.status).toBe(502);
    const messages = await call('GET', `/orgs/${orgId}/agents/${agentId}/conversations/${id}/messages`, {
      as: owner,
    });
    expect(messages.body.items.map((m: { role: string; status: string }) => [m.role, m.status])).toEqual([
      ['user', 'ok'],
      ['assistant', 'failed'],
    ]);
  });

  it('a voice agent set up with a provider the worker has no plugin for is a 400 naming the field; a chat agent keeps it', async () => {
    const tts = {
      provider: 'azure',
      voiceId: 'en-US-JennyNeural',
      model: 'neural',
      speed: 1,
      language: 'en-US',
    };
    const stt = { provider: 'deepgram', model: 'nova-3', language: 'en-US' };
    const voice = await call('PUT', `/orgs/${orgId}/agents/${agentId}/config`, {
      as: owner,
      body: { ttsConfig: tts, sttConfig: stt },
    });
    expect(voice.status).toBe(400);
    expect(voice.body.errors[0].field).toBe('ttsConfig.provider');
    const listening = await call('PUT', `/orgs/${orgId}/agents/${agentId}/config`, {
      as: owner,
      body: {
        ttsConfig: { ...tts, provider: 'openai', voiceId: 'alloy', model: 'tts-1' },
        sttConfig: { ...stt, provider: 'assemblyai', model: 'universal' },
      },
    });
    expect(listening.status).toBe(400);
    expect(listening.body.errors[0].field).toBe('sttConfig.provider');
    const chat = await call('POST', `/orgs/${orgId}/agents`, {
      as: owner,
      body: { name: 'Chatty', type: 'chat' },
    });
    const kept = await call('PUT', `/orgs/${orgId}/agents/${chat.body.id}/config`, {
      as: owner,
      body: { ttsConfig: tts, sttConfig: stt },
    });
    expect(kept.status, JSON.stringify(kept.body)).toBe(200);
    const becomeVoice = await call('PATCH', `/orgs/${orgId}/agents/${chat.body.id}`, {
      as: owner,
      body: { type: 'voice' },
    });
    expect(becomeVoice.status).toBe(400);
    expect(becomeVoice.body.errors[0].field).toBe('ttsConfig.provider');
  });
});
