/**
 * Deleting an org leaves nothing behind outside the table: the deletion queues one message per
 * LiveKit dispatch rule (from its numbers) and per Cognito app client (from its API clients), and
 * the sync worker deletes them, treating "already gone" as done and handing a failure back to the
 * queue for redelivery. Driven through the real handlers, the real worker handler and the LiveKit
 * and Cognito stand-ins.
 */
import type { SQSEvent } from 'aws-lambda';
import { SipClient } from 'livekit-server-sdk';
import { describe, expect, it } from 'vitest';
import { localQueue, type QueuedMessage } from '../../functions/adapters/queue';
import { keys } from '../../functions/data/keys';
import { handler as worker } from '../../functions/jobs/sync-worker';
import { call } from '../support/api';
import { cognito } from '../support/dev-cognito';
import { livekitStandinForFile } from '../support/livekit';
import { createOrg, partition, tenantSnapshot } from '../support/tenancy';

const apiKey = 'devkey-org-deletion';
const apiSecret = 'dev-secret-for-org-deletion-cleanup-0123456789';
const trunkId = 'ST_orgdeletion';
const standin = await livekitStandinForFile({ apiKey, apiSecret, trunkId });

/**
 * Runs what is queued through the worker handler once, as SQS would: the messages it reports as
 * failed go back on the queue. Returns the bodies it ran and how many failed.
 */
async function runWorker(): Promise<{ ran: unknown[]; failed: number }> {
  const batch = localQueue.receive(100);
  const event = { Records: batch.map((m) => ({ messageId: m.messageId, body: m.body })) };
  const { batchItemFailures } = await worker(event as unknown as SQSEvent);
  const failed = new Set(batchItemFailures.map((f) => f.itemIdentifier));
  localQueue.requeue(batch.filter((m: QueuedMessage) => failed.has(m.messageId)));
  return { ran: batch.map((m) => JSON.parse(m.body)), failed: failed.size };
}

const rulesFor = (e164: string) => standin.dispatchRules().filter((r) => r.numbers.includes(e164));

/** An org with an agent answering one number (so it has a dispatch rule), a spare number and an API client. */
async function orgWithLeftovers(tag: string, e164: string) {
  const owner = `owner@${tag}.test`;
  const org = await createOrg(owner, { plan: 'starter' });
  const agent = await call('POST', `/orgs/${org.id}/agents`, {
    as: owner,
    body: { name: 'Desk', type: 'voice' },
  });
  for (const number of [e164, `${e164.slice(0, -1)}9`]) {
    expect(
      (await call('POST', `/orgs/${org.id}/phone-numbers`, { as: owner, body: { e164: number } })).status,
    ).toBe(201);
  }
  const assigned = await call('PATCH', `/orgs/${org.id}/phone-numbers/${encodeURIComponent(e164)}`, {
    as: owner,
    body: { agentId: agent.body.id },
  });
  expect(assigned.status).toBe(200);
  const client = await call('POST', `/orgs/${org.id}/api-clients`, {
    as: owner,
    body: { name: 'CRM sync', role: 'member' },
  });
  expect(client.status).toBe(201);
  const [rule] = rulesFor(e164);
  expect(rule).toBeDefined();
  expect(cognito.clients.has(client.body.clientId)).toBe(true);
  return { owner, org, ruleId: rule!.sipDispatchRuleId, clientId: client.body.clientId as string };
}

describe('deleting an org', () => {
  it('ends, after the worker runs, with neither its dispatch rule in LiveKit nor its app client in Cognito', async () => {
    const e164 = '+14155550171';
    const { owner, org, ruleId, clientId } = await orgWithLeftovers('org-cleanup', e164);
    const deletes = cognito.calls.filter((c) => c.operation === 'DeleteUserPoolClient').length;

    expect((await call('DELETE', `/orgs/${org.id}`, { as: owner })).status).toBe(204);
    // The tenant is gone at once; the external deletions wait for the worker.
    expect(await tenantSnapshot(org.id)).toEqual({ items: [], audit: [] });
    expect(await partition(keys.apiClientLookup(clientId).pk)).toEqual([]);
    expect(cognito.clients.has(clientId)).toBe(true);

    const { ran, failed } = await runWorker();
    expect(failed).toBe(0);
    expect(ran).toEqual(
      expect.arrayContaining([
        { kind: 'deleteSipDispatchRule', orgId: org.id, ruleId },
        { kind: 'deleteApiClient', orgId: org.id, clientId },
      ]),
    );
    // The spare number never had a rule, so it queued nothing.
    expect(ran.filter((m) => (m as { kind: string }).kind === 'deleteSipDispatchRule')).toHaveLength(1);
    expect(rulesFor(e164)).toEqual([]);
    expect(cognito.clients.has(clientId)).toBe(false);
    expect(cognito.calls.filter((c) => c.operation === 'DeleteUserPoolClient').length).toBe(deletes + 1);

    // A redelivery finds both gone and succeeds without changing anything.
    await localQueue.send(ran as never);
    expect(await runWorker()).toMatchObject({ failed: 0 });
    expect(localQueue.size).toBe(0);
  });

  it('hands a Cognito outage back to the queue and finishes on redelivery', async () => {
    const e164 = '+14155550172';
    const { owner, org, clientId } = await orgWithLeftovers('org-cleanup-retry', e164);
    expect((await call('DELETE', `/orgs/${org.id}`, { as: owner })).status).toBe(204);

    // The adapter tries twice; both fail.
    cognito.fail('unavailable', 2);
    const first = await runWorker();
    expect(first.failed).toBe(1);
    expect(rulesFor(e164)).toEqual([]);
    expect(cognito.clients.has(clientId)).toBe(true);
    expect(localQueue.size).toBe(1);

    expect(await runWorker()).toMatchObject({ failed: 0 });
    expect(cognito.clients.has(clientId)).toBe(false);
    expect(localQueue.size).toBe(0);
  });

  it('counts a rule someone already deleted in LiveKit as done', async () => {
    const e164 = '+14155550173';
    const { owner, org, ruleId } = await orgWithLeftovers('org-cleanup-gone', e164);
    expect((await call('DELETE', `/orgs/${org.id}`, { as: owner })).status).toBe(204);
    await new SipClient(standin.url, apiKey, apiSecret).deleteSipDispatchRule(ruleId);
    expect(await runWorker()).toMatchObject({ failed: 0 });
    expect(localQueue.size).toBe(0);
  });
});
