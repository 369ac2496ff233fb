import { RoomAgentDispatch, RoomConfiguration, TokenVerifier } from 'livekit-server-sdk';
import { describe, expect, it } from 'vitest';
import { call } from '../support/api';
import { addMember, createOrg, tenantSnapshot } from '../support/tenancy';

// Dev values, as the local stack would set them; read when the handler first loads its config.
const apiKey = 'devkey-sessions';
const apiSecret = 'dev-secret-for-agent-sessions-0123456789abcdef';
Object.assign(process.env, {
  LIVEKIT_URL: 'wss://livekit.example.test',
  LIVEKIT_API_KEY: apiKey,
  LIVEKIT_API_SECRET: apiSecret,
});

async function team(tag: string) {
  const owner = `owner@${tag}.test`;
  const org = await createOrg(owner, { plan: 'starter' });
  await addMember(org.id, owner, `member@${tag}.test`, 'member');
  await addMember(org.id, owner, `viewer@${tag}.test`, 'viewer');
  return { org, owner, member: `member@${tag}.test`, viewer: `viewer@${tag}.test` };
}

const createAgent = async (orgId: string, as: string, body: Record<string, unknown>) =>
  (await call('POST', `/orgs/${orgId}/agents`, { as, body })).body as { id: string };
const sessions = (orgId: string, agentId: string) => `/orgs/${orgId}/agents/${agentId}/sessions`;
const userIdOf = async (email: string) => (await call('GET', '/me', { as: email })).body.id as string;

/** The token's room configuration as the SDK reads it (the JSON carries every default). */
const dispatchOf = (roomConfig: unknown) => RoomConfiguration.fromJson(roomConfig as never).toJson();
/** Exactly one dispatch, of the voice agent, told its org and agent; nothing else configured. */
const expectedDispatch = (orgId: string, agentId: string) =>
  new RoomConfiguration({
    agents: [
      new RoomAgentDispatch({ agentName: 'voice-agent', metadata: JSON.stringify({ orgId, agentId }) }),
    ],
  }).toJson();

describe('agent sessions (LiveKit test calls)', () => {
  it('gives a member a 10-minute token for a room of its own, with exactly the room grants and the agent dispatched', async () => {
    const { org, owner, member } = await team('sessions-token');
    const agent = await createAgent(org.id, owner, { name: 'Receptionist', type: 'voice' });
    const before = await tenantSnapshot(org.id);

    const started = Date.now();
    const res = await call('POST', sessions(org.id, agent.id), { as: member });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(['expiresAt', 'roomName', 'serverUrl', 'token']);
    expect(res.body.serverUrl).toBe('wss://livekit.example.test');
    expect(res.body.roomName).toMatch(new RegExp(`^${org.id}-${agent.id}-[0-9a-f]{12}$`));

    const claims = await new TokenVerifier(apiKey, apiSecret).verify(res.body.token);
    const { iss, sub, exp, nbf, ...rest } = claims as Record<string, unknown>;
    expect(iss).toBe(apiKey);
    expect(sub).toBe(await userIdOf(member));
    const { roomConfig, ...grants } = rest;
    expect(grants).toEqual({
      name: 'member',
      video: { room: res.body.roomName, roomJoin: true, canPublish: true, canSubscribe: true },
    });
    expect(dispatchOf(roomConfig)).toEqual(expectedDispatch(org.id, agent.id));
    expect((exp as number) - (nbf as number)).toBe(600);
    expect(new Date(res.body.expiresAt).getTime()).toBe((exp as number) * 1000);
    expect(Math.abs((exp as number) * 1000 - (started + 600_000))).toBeLessThan(5_000);
    // A token of another secret does not verify: the grant is signed by this server's secret.
    await expect(
      new TokenVerifier(apiKey, 'another-secret-entirely-0123456789').verify(res.body.token),
    ).rejects.toThrow();

    // Each call gets its own room; nothing is stored.
    const again = await call('POST', sessions(org.id, agent.id), { as: owner });
    expect(again.body.roomName).not.toBe(res.body.roomName);
    expect(await tenantSnapshot(org.id)).toEqual(before);
  });

  it('refuses viewers (403), unknown and deleted agents (404) and inactive agents (422); training agents answer', async () => {
    const { org, owner, viewer } = await team('sessions-refusals');
    const agent = await createAgent(org.id, owner, { name: 'Viewer-proof', type: 'voice' });
    expect((await call('POST', sessions(org.id, agent.id), { as: viewer })).status).toBe(403);

    expect(
      (await call('POST', sessions(org.id, 'agt_01ARZ3NDEKTSV4RRFFQ69G5FAV'), { as: owner })).status,
    ).toBe(404);

    const inactive = await createAgent(org.id, owner, { name: 'Off', type: 'voice', status: 'inactive' });
    const refused = await call('POST', sessions(org.id, inactive.id), { as: owner });
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toMatch(/inactive/);

    const training = await createAgent(org.id, owner, {
      name: 'Learning',
      type: 'voice',
      status: 'training',
    });
    expect((await call('POST', sessions(org.id, training.id), { as: owner })).status).toBe(201);

    expect((await call('DELETE', `/orgs/${org.id}/agents/${agent.id}`, { as: owner })).status).toBe(204);
    expect((await call('POST', sessions(org.id, agent.id), { as: owner })).status).toBe(404);
  });

  it('lets the org an agent is shared into call it, in a room and dispatch naming that org; other orgs get 404', async () => {
    const { org, owner } = await team('sessions-share');
    const sister = await createOrg(owner, { name: 'Sister org' });
    const stranger = await createOrg('stranger@sessions-share-b.test', { name: 'Not yours' });
    const agent = await createAgent(org.id, owner, { name: 'Shared voice', type: 'voice' });
    expect((await call('POST', sessions(sister.id, agent.id), { as: owner })).status).toBe(404);
    await call('POST', `/orgs/${org.id}/agents/${agent.id}/shares`, {
      as: owner,
      body: { targetOrgId: sister.id },
    });

    const res = await call('POST', sessions(sister.id, agent.id), { as: owner });
    expect(res.status).toBe(201);
    expect(res.body.roomName.startsWith(`${sister.id}-${agent.id}-`)).toBe(true);
    const claims = await new TokenVerifier(apiKey, apiSecret).verify(res.body.token);
    expect(dispatchOf(claims.roomConfig)).toEqual(expectedDispatch(sister.id, agent.id));
    expect(
      (await call('POST', sessions(stranger.id, agent.id), { as: 'stranger@sessions-share-b.test' })).status,
    ).toBe(404);
  });
});
