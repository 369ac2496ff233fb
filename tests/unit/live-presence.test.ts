/**
 * The presence namespace's publish handler: whatever a member publishes becomes their own id (from
 * the authorizer's handlerContext) and the time it arrived; without a member identity, or off the
 * presence channel, nothing goes out.
 */
import { describe, expect, it } from 'vitest';
import { channelOf } from '../../functions/api/live';
import { type ChannelPublishEvent, handler } from '../../functions/http/live/presence';

const orgId = 'org_01JAAAAAAAAAAAAAAAAAAAAAAA';

function publish(
  identity: ChannelPublishEvent['identity'],
  payloads: unknown[],
  path = channelOf(orgId, 'presence'),
): ChannelPublishEvent {
  const segments = path.split('/').slice(1);
  return {
    identity,
    info: { channel: { path, segments }, channelNamespace: { name: segments[0]! }, operation: 'PUBLISH' },
    events: payloads.map((payload, i) => ({ id: `e${i}`, payload })),
  };
}

describe('presence publish handler', () => {
  it('replaces a claimed id, name, picture and far-future time with the publisher and the time of receipt', async () => {
    const forged = {
      userId: 'someone-else',
      name: 'The CEO',
      picture: 'https://tracker.example/pixel.gif',
      at: '2099-01-01T00:00:00.000Z',
    };
    const before = Date.now();
    const { events } = await handler(publish({ handlerContext: { userId: 'alice' } }, [forged, forged]));
    expect(events).toEqual([{ id: 'e0', payload: { userId: 'alice', at: expect.any(String) } }]);
    const at = Date.parse(events[0]!.payload.at);
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(Date.now());
  });

  it('sends nothing without a member identity, or on any channel but presence', async () => {
    expect((await handler(publish(null, [{}]))).events).toEqual([]);
    expect((await handler(publish({}, [{}]))).events).toEqual([]);
    const tasks = channelOf(orgId, 'tasks');
    expect((await handler(publish({ handlerContext: { userId: 'alice' } }, [{}], tasks))).events).toEqual([]);
  });
});
