/**
 * POST /webhooks/livekit end to end: the LiveKit stand-in plays calls (a phone call to an assigned
 * number, a browser test call with a session's token) and posts LiveKit-signed webhooks over HTTP
 * to a loopback server that hands each request to the route, as the gateway does.
 */

import { createServer } from 'node:http';
import { WebhookEvent } from 'livekit-server-sdk';
import { describe, expect, it } from 'vitest';
import { listenLocal } from '../../infra/local/ports';
import { call } from '../support/api';
import { livekitStandinForFile, receiveWebhooksFrom } from '../support/livekit';
import { createOrg, tenantSnapshot } from '../support/tenancy';

const apiKey = 'devkey-webhooks';
const apiSecret = 'dev-secret-for-livekit-webhooks-0123456789';
const standin = await livekitStandinForFile({ apiKey, apiSecret, trunkId: 'ST_webhooks' });
const webhookUrl = await receiveWebhooksFrom(standin);

async function voiceAgent(tag: string) {
  const owner = `owner@${tag}.test`;
  const org = await createOrg(owner, { plan: 'starter' });
  const agent = (
    await call('POST', `/orgs/${org.id}/agents`, { as: owner, body: { name: 'Reception', type: 'voice' } })
  ).body as { id: string };
  return { owner, org, agent };
}

const callTasks = async (orgId: string, as: string) =>
  ((await call('GET', `/orgs/${orgId}/tasks`, { as })).body.items as Record<string, any>[]).filter(
    (t) => t.type === 'call',
  );
const outcomes = (from: number) => standin.webhooks.slice(from).map((w) => [w.event.event, w.status]);

describe('LiveKit webhooks become call records', () => {
  it('a phone call to an assigned number: one completed call task with its numbers and duration', async () => {
    const { owner, org, agent } = await voiceAgent('webhook-phone');
    const e164 = '+14155550142';
    await call('POST', `/orgs/${org.id}/phone-numbers`, { as: owner, body: { e164 } });
    const assigned = await call('PATCH', `/orgs/${org.id}/phone-numbers/${encodeURIComponent(e164)}`, {
      as: owner,
      body: { agentId: agent.id },
    });
    expect(assigned.status).toBe(200);

    const sent = standin.webhooks.length;
    const { room } = await standin.inboundCall({ from: '+442071838750', to: e164 });
    await standin.endCall(room, 95);
    expect(outcomes(sent)).toEqual([
      ['room_started', 200],
      ['participant_joined', 200],
      ['participant_left', 200],
      ['room_finished', 200],
    ]);

    const [task, ...others] = await callTasks(org.id, owner);
    expect(others).toEqual([]);
    expect(task).toMatchObject({
      type: 'call',
      status: 'completed',
      agentId: agent.id,
      fromAddress: '+442071838750',
      toAddress: e164,
      subject: 'Phone call',
      createdBy: { kind: 'integration', id: 'livekit' },
      metadata: { roomName: room, via: 'phone', durationSeconds: 95 },
    });
    expect(Date.parse(task!.completedAt) - Date.parse(task!.startedAt)).toBe(95_000);

    // Redelivered events (LiveKit retries) change nothing: still one record, same version.
    const before = await tenantSnapshot(org.id);
    for (const { event } of standin.webhooks.slice(sent)) {
      const again = await standin.sendWebhook(event);
      expect(again.status).toBe(200);
      expect(JSON.parse(again.body).outcome).toMatch(/^(already_recorded|ignored)$/);
    }
    expect(await tenantSnapshot(org.id)).toEqual(before);
  });

  it('a browser test call: a completed call task without numbers; room_finished alone records the whole call', async () => {
    const { owner, org, agent } = await voiceAgent('webhook-test-call');
    const session = (await call('POST', `/orgs/${org.id}/agents/${agent.id}/sessions`, { as: owner })).body;
    const { room } = await standin.joinWithToken(session.token);
    await standin.endCall(room, 30);
    const [task] = await callTasks(org.id, owner);
    expect(task).toMatchObject({
      status: 'completed',
      agentId: agent.id,
      fromAddress: null,
      toAddress: null,
      metadata: { roomName: room, via: 'test_call', durationSeconds: 30 },
    });

    // A room whose room_started never arrived: its room_finished records the call, once.
    const second = (await call('POST', `/orgs/${org.id}/agents/${agent.id}/sessions`, { as: owner })).body;
    const finished = WebhookEvent.fromJson({
      event: 'room_finished',
      id: 'EV_only_finished',
      createdAt: '1767225660',
      room: { sid: 'RM_only_finished', name: second.roomName, creationTime: '1767225600' },
    });
    expect(JSON.parse((await standin.sendWebhook(finished)).body)).toEqual({ outcome: 'recorded' });
    expect(JSON.parse((await standin.sendWebhook(finished)).body)).toEqual({ outcome: 'already_recorded' });
    const records = await callTasks(org.id, owner);
    expect(records).toHaveLength(2);
    expect(records.find((t) => t.metadata.roomName === second.roomName)).toMatchObject({
      status: 'completed',
      startedAt: '2026-01-01T00:00:00.000Z',
      completedAt: '2026-01-01T00:01:00.000Z',
      metadata: { durationSeconds: 60 },
    });
  });

  it('a call a manager deleted stays deleted when its signed events are replayed', async () => {
    const { owner, org, agent } = await voiceAgent('webhook-deleted-replay');
    const session = (await call('POST', `/orgs/${org.id}/agents/${agent.id}/sessions`, { as: owner })).body;
    const sent = standin.webhooks.length;
    const { room } = await standin.joinWithToken(session.token);
    await standin.endCall(room, 40);
    const [task] = await callTasks(org.id, owner);
    expect(task).toMatchObject({ status: 'completed', metadata: { roomName: room } });
    const deleted = await call('DELETE', `/orgs/${org.id}/tasks/${task!.id}`, {
      as: owner,
      headers: { 'if-match': `"${task!.version}"` },
    });
    expect(deleted.status).toBe(204);

    // room_started created the record and room_finished completed it: each claimed its event id
    // with what it wrote, and the claims outlive the task.
    const before = await tenantSnapshot(org.id);
    for (const { event } of standin.webhooks.slice(sent)) {
      const again = await standin.sendWebhook(event);
      expect([event.event, again.status, JSON.parse(again.body).outcome]).toEqual([
        event.event,
        200,
        expect.stringMatching(/^(already_recorded|ignored)$/),
      ]);
    }
    expect(await callTasks(org.id, owner)).toEqual([]);
    expect(await tenantSnapshot(org.id)).toEqual(before);
  });

  it('refuses a body not signed by this LiveKit (401) and stores nothing', async () => {
    const { owner, org, agent } = await voiceAgent('webhook-unsigned');
    const before = await tenantSnapshot(org.id);
    const event = WebhookEvent.fromJson({
      event: 'room_started',
      id: 'EV_forged',
      createdAt: '1767225600',
      room: { sid: 'RM_forged', name: `${org.id}-${agent.id}-0123456789ab`, creationTime: '1767225600' },
    });
    const forged = await standin.sendWebhook(event, { apiKey, apiSecret: 'someone-elses-secret-0123456789' });
    expect(forged.status).toBe(401);
    expect(JSON.parse(forged.body)).toMatchObject({
      status: 401,
      detail: 'The request is not signed by this deployment’s LiveKit server.',
    });
    const unsigned = await call('POST', '/webhooks/livekit', {
      rawBody: JSON.stringify(event.toJson()),
      headers: { 'content-type': 'application/webhook+json' },
    });
    expect(unsigned.status).toBe(401);
    expect(await tenantSnapshot(org.id)).toEqual(before);
    expect(await callTasks(org.id, owner)).toEqual([]);
  });

  it('ignores rooms that are not an agent’s call of an existing org and agent (200, nothing stored)', async () => {
    const { owner, org } = await voiceAgent('webhook-foreign');
    const before = await tenantSnapshot(org.id);
    for (const name of [
      `${org.id}-agt_01JD0000000000000000000000-0123456789ab`, // no such agent in this org
      'org_01JD0000000000000000000000-agt_01JD0000000000000000000000-0123456789ab', // no such org
      'standup-meeting', // not ours
    ]) {
      const event = WebhookEvent.fromJson({
        event: 'room_started',
        id: `EV_${name.length}${name.slice(-4)}`,
        createdAt: '1767225600',
        room: { sid: `RM_${name.slice(0, 8)}`, name, creationTime: '1767225600' },
      });
      const res = await standin.sendWebhook(event);
      expect([res.status, JSON.parse(res.body)]).toEqual([200, { outcome: 'ignored' }]);
    }
    expect(await tenantSnapshot(org.id)).toEqual(before);
    expect(await callTasks(org.id, owner)).toEqual([]);
  });

  it('reads a body API Gateway passed on base64-encoded', async () => {
    const { owner, org, agent } = await voiceAgent('webhook-base64');
    const session = (await call('POST', `/orgs/${org.id}/agents/${agent.id}/sessions`, { as: owner })).body;
    // Captured as the stand-in signs it, then replayed as a binary body (the gateway base64-encodes those).
    const captured: { body: string; authorization: string }[] = [];
    const capture = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        captured.push({
          body: Buffer.concat(chunks).toString('utf8'),
          authorization: req.headers.authorization!,
        });
        res.end();
      });
    });
    const port = await listenLocal(capture, 0);
    standin.setWebhookUrl(`http://127.0.0.1:${port}/`);
    try {
      await standin.joinWithToken(session.token);
    } finally {
      standin.setWebhookUrl(webhookUrl);
      capture.close();
    }
    const [roomStarted] = captured;
    const res = await call('POST', '/webhooks/livekit', {
      rawBody: roomStarted!.body,
      headers: { 'content-type': 'application/octet-stream', authorization: roomStarted!.authorization },
    });
    expect(res.body).toEqual({ outcome: 'recorded' });
    expect(await callTasks(org.id, owner)).toMatchObject([{ status: 'in_progress', agentId: agent.id }]);
  });
});
