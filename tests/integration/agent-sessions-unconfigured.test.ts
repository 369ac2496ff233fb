import { describe, expect, it } from 'vitest';
import { call } from '../support/api';
import { createOrg } from '../support/tenancy';

// A deployment without LiveKit: no LIVEKIT_* in this file's environment (each file is its own process).
for (const name of ['LIVEKIT_URL', 'LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET', 'LIVEKIT_SECRET_ARN']) {
  delete process.env[name];
}

describe('agent sessions without a LiveKit server', () => {
  it('answers 503 saying no LiveKit server is configured, after the usual checks', async () => {
    const owner = 'owner@sessions-unconfigured.test';
    const org = await createOrg(owner, { plan: 'starter' });
    const agent = (
      await call('POST', `/orgs/${org.id}/agents`, { as: owner, body: { name: 'Voice', type: 'voice' } })
    ).body;
    const res = await call('POST', `/orgs/${org.id}/agents/${agent.id}/sessions`, { as: owner });
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body.detail).toBe('No LiveKit server is configured for this deployment.');
    expect(JSON.stringify(res.body)).not.toMatch(/token/i);
    // An unknown agent is still a 404: the agent is checked before the server is.
    expect(
      (await call('POST', `/orgs/${org.id}/agents/agt_01ARZ3NDEKTSV4RRFFQ69G5FAV/sessions`, { as: owner }))
        .status,
    ).toBe(404);
  });
});
