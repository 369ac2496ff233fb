/**
 * ECS task scale-in protection while the worker holds calls: neither a scale-in nor a deployment stops
 * a protected task, so calls drain instead of being cut (Fargate's stop timeout is two minutes at
 * most). The ECS agent's endpoint (ECS_AGENT_URI, set on every task) takes the request with the task
 * role's `ecs:UpdateTaskProtection`. Outside ECS there is no endpoint and nothing to do.
 */
const protectMinutes = 120;
const renewEveryMs = 30 * 60_000;

export function taskProtection(agentUri = process.env.ECS_AGENT_URI, doFetch: typeof fetch = fetch) {
  let protectedSince: number | undefined;
  const set = async (protectionEnabled: boolean) => {
    if (!agentUri) return;
    const res = await doFetch(`${agentUri}/task-protection/v1/state`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ProtectionEnabled: protectionEnabled, ExpiresInMinutes: protectMinutes }),
    });
    if (!res.ok) throw new Error(`task protection answered ${res.status}`);
  };
  /** Called with the worker's active calls each time LiveKit asks for its load. */
  return async (activeCalls: number, now = Date.now()): Promise<void> => {
    try {
      if (activeCalls > 0 && (protectedSince === undefined || now - protectedSince > renewEveryMs)) {
        await set(true);
        protectedSince = now;
      } else if (activeCalls === 0 && protectedSince !== undefined) {
        await set(false);
        protectedSince = undefined;
      }
    } catch (error) {
      console.warn(`scale-in protection not updated: ${(error as Error).message}`);
    }
  };
}
