/** Agents created through the API, for tests about what refers to them. */
import { expect } from 'vitest';
import { call } from './api';

/** Creates one agent per name in the org, as `owner`; their ids, in order. */
export async function createAgents(orgId: string, owner: string, type: string, names: readonly string[]) {
  const ids: string[] = [];
  for (const name of names) {
    const res = await call('POST', `/orgs/${orgId}/agents`, { as: owner, body: { name, type } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    ids.push(res.body.id);
  }
  return ids;
}
