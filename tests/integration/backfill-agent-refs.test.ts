/**
 * Agents stored before the `AGENTREF#<agentId>` lookup existed are invisible to the voice runtime
 * (404) until infra/scripts/backfill-agent-refs.ts has run; the script writes the lookup for live
 * agents only, and running it again changes nothing.
 */
import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { restoreAgentRef } from '../../functions/data/agents';
import { keys } from '../../functions/data/keys';
import { backfillAgentRefs } from '../../infra/scripts/backfill-agent-refs';
import { call } from '../support/api';
import { runtimeToken } from '../support/dev-cognito';
import { tableName, testDb } from '../support/env';
import { createOrg } from '../support/tenancy';

const lookup = async (agentId: string) =>
  (await testDb.send(new GetCommand({ TableName: tableName, Key: keys.agentRef(agentId) }))).Item;
const forget = (agentId: string) =>
  testDb.send(new DeleteCommand({ TableName: tableName, Key: keys.agentRef(agentId) }));

describe('backfill of agent lookups', () => {
  it('lets the runtime find agents stored before their lookup, leaves deleted ones without, and is idempotent', async () => {
    const owner = 'owner@legacy-agents.test';
    const org = await createOrg(owner, { plan: 'starter' });
    const create = async (name: string) =>
      (await call('POST', `/orgs/${org.id}/agents`, { as: owner, body: { name, type: 'voice' } })).body
        .id as string;
    const [legacy, current, deleted] = [
      await create('Legacy'),
      await create('Current'),
      await create('Gone'),
    ];
    expect(
      (
        await call('DELETE', `/orgs/${org.id}/agents/${deleted}`, {
          as: owner,
          headers: { 'if-match': '"1"' },
        })
      ).status,
    ).toBe(204);
    // As stored before the lookup existed.
    await forget(legacy);
    const token = await runtimeToken();
    expect((await call('GET', `/runtime/agents/${legacy}`, { token })).status).toBe(404);
    const before = await lookup(current);

    const first = await backfillAgentRefs();
    expect(first.written).toBeGreaterThanOrEqual(1);
    expect(await lookup(legacy)).toEqual({
      ...keys.agentRef(legacy),
      type: 'AGENT_REF',
      orgId: org.id,
      agentId: legacy,
    });
    const res = await call('GET', `/runtime/agents/${legacy}`, { token });
    expect([res.status, res.body.agent?.id]).toEqual([200, legacy]);
    expect(await lookup(current)).toEqual(before);
    expect(await lookup(deleted)).toBeUndefined();

    const second = await backfillAgentRefs();
    expect(second.written).toBe(0);
    expect(second.present).toBeGreaterThanOrEqual(2);
    expect(await lookup(legacy)).toEqual({
      ...keys.agentRef(legacy),
      type: 'AGENT_REF',
      orgId: org.id,
      agentId: legacy,
    });
  });

  it('writes no lookup for an agent deleted between the Scan and the write', async () => {
    const owner = 'owner@legacy-race.test';
    const org = await createOrg(owner, { plan: 'starter' });
    const agent = (
      await call('POST', `/orgs/${org.id}/agents`, { as: owner, body: { name: 'Brief', type: 'voice' } })
    ).body.id as string;
    await call('DELETE', `/orgs/${org.id}/agents/${agent}`, { as: owner, headers: { 'if-match': '"1"' } });
    expect(await restoreAgentRef(org.id, agent)).toBe('gone');
    expect(await restoreAgentRef(org.id, 'agt_01ARZ3NDEKTSV4RRFFQ69G5FAV')).toBe('gone');
    expect(await lookup(agent)).toBeUndefined();
  });
});
