/**
 * The LiveKit adapter against the LiveKit stand-in: what the adapter sends is what the SDK's
 * clients send to a real server (paths, JSON bodies, Bearer JWTs with the grants LiveKit checks),
 * and the stand-in refuses what a real server refuses. Test-call tokens, SIP dispatch rules for
 * numbers, agent dispatch and webhook signatures.
 */
import { createServer } from 'node:http';
import {
  AccessToken,
  AgentDispatchClient,
  RoomServiceClient,
  SipClient,
  TwirpError,
  WebhookEvent,
} from 'livekit-server-sdk';
import { describe, expect, it } from 'vitest';
import {
  agentOfRoom,
  createTestCallSession,
  deleteDispatchRule,
  receiveWebhook,
  routeNumber,
} from '../../functions/adapters/livekit';
import { Refusal } from '../../functions/domain/refusal';
import { listenLocal } from '../../infra/local/ports';
import { livekitStandinForFile } from '../support/livekit';

const apiKey = 'devkey-contract';
const apiSecret = 'dev-secret-for-the-livekit-contract-0123456789';
const trunkId = 'ST_contract';
const standin = await livekitStandinForFile({ apiKey, apiSecret, trunkId });

const orgId = 'org_01JDXXXXXXXX0000000000000A';
const agentA = 'agt_01JDXXXXXXXX0000000000000A';
const agentB = 'agt_01JDXXXXXXXX0000000000000B';
const lastRequest = () => standin.requests.at(-1)!;

describe('LiveKit adapter against the stand-in', () => {
  it('a test-call token joins its room, which dispatches the voice agent as the org’s agent', async () => {
    const session = await createTestCallSession({ orgId, agentId: agentA, identity: 'usr_1', name: 'Ada' });
    const { room } = await standin.joinWithToken(session.token);
    expect(room).toBe(session.roomName);
    expect(agentOfRoom(room)).toEqual({ orgId, agentId: agentA, via: 'test_call' });

    // What a worker or operator would see through the SDK's own clients.
    const dispatches = await new AgentDispatchClient(standin.url, apiKey, apiSecret).listDispatch(room);
    expect(dispatches.map((d) => [d.agentName, JSON.parse(d.metadata)])).toEqual([
      ['voice-agent', { orgId, agentId: agentA }],
    ]);
    const rooms = new RoomServiceClient(standin.url, apiKey, apiSecret);
    expect((await rooms.listRooms([room])).map((r) => r.name)).toEqual([room]);
    expect((await rooms.listParticipants(room)).map((p) => p.identity)).toEqual(['usr_1']);
    const listed = standin.requests.find((r) => r.method === 'ListDispatch')!;
    expect(listed).toMatchObject({ service: 'AgentDispatchService', status: 200, body: { room } });
    expect(listed.claims?.video).toMatchObject({ roomAdmin: true, room });
  });

  it('routes a number: one dispatch rule on the trunk for calls to that number, into a room per call naming org and agent', async () => {
    const e164 = '+14155550101';
    const ruleId = await routeNumber({ orgId, agentId: agentA, e164, ruleId: null });
    expect(ruleId).toMatch(/^SDR_/);

    const created = lastRequest();
    expect(created).toMatchObject({ service: 'SIP', method: 'CreateSIPDispatchRule', status: 200 });
    expect(created.claims?.sip).toEqual({ admin: true });
    expect(created.claims?.iss).toBe(apiKey);
    expect(created.body).toEqual({
      dispatchRule: {
        name: e164,
        trunkIds: [trunkId],
        numbers: [e164],
        rule: { dispatchRuleIndividual: { roomPrefix: `${orgId}-${agentA}-call` } },
        metadata: JSON.stringify({ orgId, agentId: agentA }),
        roomConfig: {
          agents: [{ agentName: 'voice-agent', metadata: JSON.stringify({ orgId, agentId: agentA }) }],
        },
      },
    });
    const sip = new SipClient(standin.url, apiKey, apiSecret);
    expect((await sip.listSipDispatchRule()).map((r) => [r.sipDispatchRuleId, r.numbers])).toEqual([
      [ruleId, [e164]],
    ]);
    expect((await sip.listSipInboundTrunk()).map((t) => t.sipTrunkId)).toEqual([trunkId]);

    // A call to the number lands in a room of its own for the org's agent; another number rings nowhere.
    const call = await standin.inboundCall({ from: '+442071838750', to: e164 });
    expect(agentOfRoom(call.room)).toEqual({ orgId, agentId: agentA, via: 'phone' });
    expect(standin.dispatches(call.room).map((d) => JSON.parse(d.metadata))).toEqual([
      { orgId, agentId: agentA },
    ]);
    await expect(standin.inboundCall({ from: '+442071838750', to: '+14155550199' })).rejects.toThrow(
      /no dispatch rule/,
    );

    // Reassigning replaces the rule in place: same id, the new agent's rooms and dispatch.
    expect(await routeNumber({ orgId, agentId: agentB, e164, ruleId })).toBe(ruleId);
    expect(lastRequest()).toMatchObject({ method: 'UpdateSIPDispatchRule', status: 200 });
    const moved = await standin.inboundCall({ from: '+442071838750', to: e164 });
    expect(agentOfRoom(moved.room)).toMatchObject({ agentId: agentB });

    // A second rule for the same calls is refused by LiveKit: the adapter says so as a 502 refusal.
    const second = await routeNumber({ orgId, agentId: agentA, e164, ruleId: null }).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(Refusal);
    expect(second).toMatchObject({ kind: 'upstream' });
    expect((second as Refusal).message).toMatch(/LiveKit did not create the number’s call routing \(400 /);

    await deleteDispatchRule(ruleId!);
    expect(lastRequest()).toMatchObject({
      method: 'DeleteSIPDispatchRule',
      body: { sipDispatchRuleId: ruleId },
    });
    expect(await sip.listSipDispatchRule()).toEqual([]);
    // Deleting a rule LiveKit no longer has is done, not a failure.
    await expect(deleteDispatchRule(ruleId!)).resolves.toBeUndefined();
  });

  it('refuses a token signed with another key or secret (401), and one without the grant (403)', async () => {
    const forged = new SipClient(standin.url, apiKey, 'not-the-secret-0123456789abcdef');
    const refused = await forged.listSipDispatchRule().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TwirpError);
    expect(refused).toMatchObject({ status: 401, code: 'unauthenticated' });
    expect(lastRequest()).toMatchObject({ method: 'ListSIPDispatchRule', status: 401, claims: undefined });
    const otherKey = await new RoomServiceClient(standin.url, 'another-key', apiSecret)
      .listRooms()
      .catch((e: unknown) => e);
    expect(otherKey).toMatchObject({ status: 401 });

    // A participant token (room join only) cannot manage SIP or list rooms.
    const participant = new AccessToken(apiKey, apiSecret, { identity: 'someone' });
    participant.addGrant({ roomJoin: true, room: 'x' });
    const res = await fetch(`${standin.url}/twirp/livekit.SIP/ListSIPDispatchRule`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await participant.toJwt()}` },
      body: '{}',
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ code: 'permission_denied', msg: 'token lacks the sip.admin grant' });
    // Dispatch in another room than the token names is refused too.
    const dispatcher = new AgentDispatchClient(standin.url, apiKey, apiSecret);
    await expect(dispatcher.createDispatch('room-1', 'voice-agent')).resolves.toMatchObject({
      room: 'room-1',
    });
    const none = await fetch(`${standin.url}/twirp/livekit.AgentDispatchService/DeleteDispatch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await participant.toJwt()}` },
      body: JSON.stringify({ room: 'room-1', dispatchId: 'AD_x' }),
    });
    expect(none.status).toBe(403);
  });

  it('signs webhooks as LiveKit does: the adapter accepts them, and refuses a changed body or another secret', async () => {
    const received: { body: string; authorization: string | undefined }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          body: Buffer.concat(chunks).toString('utf8'),
          authorization: req.headers.authorization,
        });
        res.end();
      });
    });
    const port = await listenLocal(server, 0);
    try {
      standin.setWebhookUrl(`http://127.0.0.1:${port}/`);
      const event = WebhookEvent.fromJson({ event: 'room_started', id: 'EV_contract', createdAt: '1' });
      expect((await standin.sendWebhook(event)).status).toBe(200);
      await standin.sendWebhook(event, { apiKey, apiSecret: 'another-secret-0123456789abcdef' });
      const [signed, foreign] = received;

      expect((await receiveWebhook(signed!.body, signed!.authorization))?.toJson()).toEqual(event.toJson());
      expect(
        await receiveWebhook(signed!.body.replace('room_started', 'room_finished'), signed!.authorization),
      ).toBeUndefined();
      expect(await receiveWebhook(foreign!.body, foreign!.authorization)).toBeUndefined();
      expect(await receiveWebhook(signed!.body, undefined)).toBeUndefined();
    } finally {
      standin.setWebhookUrl(undefined);
      server.close();
    }
  });
});
