/**
 * The voice worker's call logic in the framework's text mode (AgentSession without a room or media),
 * against the real platform: the handlers behind the local gateway over HTTP, DynamoDB Local, the dev
 * Cognito stand-in's client-credentials tokens for the runtime client, and the LLM stand-in behind the
 * platform's turn. The room side (hang up, SIP transfer) is recorded, as no LiveKit server runs here.
 */
import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import { initializeLogger } from '@livekit/agents';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../functions/api/routes';
import { devRuntimeClient } from '../../infra/local/dev-cognito';
import { createGateway } from '../../infra/local/gateway';
import { startLlmStandin } from '../../infra/local/llm-standin';
import { freePort, listenLocal } from '../../infra/local/ports';
import { Call, type CallDeps, fallbackSentence, type JobInput, refusalSentence } from '../../worker/src/call';
import { createPlatform, type Platform } from '../../worker/src/platform';
import { call } from '../support/api';
import { cognito } from '../support/dev-cognito';
import { createOrg } from '../support/tenancy';

const llm = await startLlmStandin();
Object.assign(process.env, { BEDROCK_ENDPOINT: llm.url, LLM_TIMEOUT_MS: '5000', LLM_MAX_ATTEMPTS: '1' });
initializeLogger({ pretty: false, level: 'silent' });

const root = resolve(import.meta.dirname, '..', '..');
let server: Server;
let platform: Platform;

beforeAll(async () => {
  const port = await freePort();
  const handle = createGateway({
    routes,
    loadHandler: async (module) => (await import(join(root, 'functions', 'http', `${module}.ts`))).handler,
    services: [],
    webRoot: join(root, 'web', 'dist'),
    runtimeConfig: {},
  });
  server = createServer((req, res) => void handle(req, res));
  await listenLocal(server, port);
  platform = createPlatform({
    apiUrl: `http://127.0.0.1:${port}/api`,
    tokenUrl: cognito.tokenUrl,
    ...devRuntimeClient,
  });
});
afterAll(async () => {
  server?.close();
  await llm.stop();
});

/** An org with a knowledge entry and a voice agent; the owner's email for reading the call back. */
async function voiceAgent(tag: string, agent: Record<string, unknown> = {}) {
  const owner = `owner@${tag}.test`;
  const org = await createOrg(owner);
  const entry = await call('POST', `/orgs/${org.id}/knowledge`, {
    as: owner,
    body: { title: 'Parking', content: 'Visitors park in the basement garage beside the lifts.' },
  });
  expect(entry.status).toBe(201);
  const created = await call('POST', `/orgs/${org.id}/agents`, {
    as: owner,
    body: {
      name: 'Front desk',
      type: 'voice',
      initialMessage: 'Hello, you are through to the front desk.',
      ...agent,
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { owner, orgId: org.id, agentId: created.body.id as string, entryId: entry.body.id as string };
}

let rooms = 0;
/** A call as a console test call would start it, with the room's side recorded. */
function callOf(orgId: string, agentId: string) {
  rooms += 1;
  const job: JobInput = {
    orgId,
    agentId,
    roomName: `test-${rooms}`,
    roomSid: `RM_worker${rooms}`,
    via: 'test_call',
  };
  const room = { hangUps: 0, transfers: [] as string[] };
  const deps: CallDeps = {
    platform,
    room: {
      hangUp: async () => {
        room.hangUps += 1;
      },
      transfer: async (number) => {
        room.transfers.push(number);
      },
    },
    // Text mode: no STT, TTS or VAD; the session's input and output are text.
    speech: () => ({}),
    start: (session, agent) => session.start({ agent }),
  };
  return { call: new Call(job, deps), room, job };
}

describe('voice worker call (text mode, real platform)', () => {
  it('refuses an inactive agent in one sentence and hangs up, opening no call', async () => {
    const { orgId, agentId } = await voiceAgent('worker-inactive', { status: 'inactive' });
    const { call: c, room } = callOf(orgId, agentId);
    await c.answer();
    expect(await c.finished).toBe('agent_ended');
    expect(room.hangUps).toBe(1);
    expect(c.session).toBeUndefined();
    expect(c.record).toBeUndefined();
    expect(refusalSentence.split('. ').length).toBeLessThanOrEqual(2);
  });

  it('greets with the initial message and records it on the call', async () => {
    const { owner, orgId, agentId } = await voiceAgent('worker-greet');
    const { call: c } = callOf(orgId, agentId);
    await c.answer();
    const said = c.session!.history.items.filter((i) => i.type === 'message' && i.role === 'assistant');
    expect(said.map((m) => (m.type === 'message' ? m.textContent : ''))).toEqual([
      'Hello, you are through to the front desk.',
    ]);
    const record = await call('GET', `/orgs/${orgId}/calls/${c.record!.callId}`, { as: owner });
    expect(record.status, JSON.stringify(record.body)).toBe(200);
    expect(JSON.stringify(record.body)).toContain('Hello, you are through to the front desk.');
    await c.callerLeft();
    expect(await c.finished).toBe('caller_hung_up');
  });

  it('answers a question from the org’s knowledge through the platform turn, citing it and speaking no marker', async () => {
    const { owner, orgId, agentId, entryId } = await voiceAgent('worker-grounded');
    const { call: c } = callOf(orgId, agentId);
    await c.answer();
    const result = await c.session!.run({ userInput: 'Where can visitors park their car?' }).wait();
    result.expect.nextEvent().isMessage({ role: 'assistant' });
    const reply = result.events.find((e) => e.type === 'message')!;
    const text = reply.type === 'message' ? (reply.item.textContent ?? '') : '';
    expect(text.toLowerCase()).toContain('basement garage');
    expect(text).not.toContain('[entry:');
    const messages = await call(
      'GET',
      `/orgs/${orgId}/agents/${agentId}/conversations/${c.record!.conversationId}/messages?limit=10`,
      { as: owner },
    );
    const stored = (
      messages.body.items as { role: string; citations: { entryId: string; cited: boolean }[] }[]
    ).find((m) => m.role === 'assistant' && m.citations.length > 0);
    expect(stored?.citations.some((ci) => ci.entryId === entryId && ci.cited)).toBe(true);
    await c.callerLeft();
  });

  it('says one fallback sentence and hangs up with end reason error when the model fails mid-call', async () => {
    const { owner, orgId, agentId } = await voiceAgent('worker-fault');
    const { call: c, room } = callOf(orgId, agentId);
    await c.answer();
    await c
      .session!.run({ userInput: 'Where can visitors park? [fault:500]' })
      .wait()
      .catch(() => {});
    expect(await c.finished).toBe('error');
    expect(room.hangUps).toBe(1);
    const record = await call('GET', `/orgs/${orgId}/calls/${c.record!.callId}`, { as: owner });
    expect(record.status).toBe(200);
    expect(JSON.stringify(record.body)).toContain(fallbackSentence);
    expect(JSON.stringify(record.body)).toMatch(/"endReason":"error"|"reason":"error"/);
  });
  it('transfers the caller by SIP when the model asks, recording the tool call and end reason transfer', async () => {
    const { owner, orgId, agentId } = await voiceAgent('worker-transfer');
    const { call: c, room } = callOf(orgId, agentId);
    await c.answer();
    await c.session!.run({ userInput: 'Please transfer me to +14155550123' }).wait();
    expect(await c.finished).toBe('transfer');
    expect(room.transfers).toEqual(['+14155550123']);
    // The caller now belongs to the human: the worker leaves the room without deleting it.
    expect(room.hangUps).toBe(0);
    const record = JSON.stringify(
      (await call('GET', `/orgs/${orgId}/calls/${c.record!.callId}`, { as: owner })).body,
    );
    expect(record).toContain('"transfer"');
    expect(record).toContain('+14155550123');
  });

  it('ends the call when the model calls end_call after saying goodbye', async () => {
    const { orgId, agentId } = await voiceAgent('worker-bye');
    const { call: c, room } = callOf(orgId, agentId);
    await c.answer();
    await c.session!.run({ userInput: 'That is all, goodbye' }).wait();
    expect(await c.finished).toBe('agent_ended');
    expect(room.hangUps).toBe(1);
  });

  it('creates a follow-up task on the board through the platform tool', async () => {
    const { owner, orgId, agentId } = await voiceAgent('worker-task');
    const { call: c } = callOf(orgId, agentId);
    await c.answer();
    await c.session!.run({ userInput: 'Please create a follow-up task about my parking permit' }).wait();
    const tasks = await call('GET', `/orgs/${orgId}/tasks`, { as: owner });
    expect(tasks.status).toBe(200);
    expect(JSON.stringify(tasks.body)).toContain('parking permit');
    await c.callerLeft();
  });
});
