/** The live channel paths: what channelOf writes, parseChannel reads back, and nothing else. */
import { describe, expect, it } from 'vitest';
import { channelOf, parseChannel } from '../../functions/api/live';

const org = 'org_01J9Z3Y6X8W5V4T3S2R1Q0P9N8';
const conversation = 'cnv_01J9Z3Y6X8W5V4T3S2R1Q0P9N8';

describe('live channels', () => {
  it('reads back every channel it writes', () => {
    expect(parseChannel(channelOf(org, 'tasks'))).toEqual({ orgId: org, kind: 'tasks' });
    expect(parseChannel(channelOf(org, 'presence'))).toEqual({ orgId: org, kind: 'presence' });
    expect(channelOf(org, 'conversations', conversation)).toBe(`/orgs/${org}/conversations/${conversation}`);
    expect(parseChannel(channelOf(org, 'conversations', conversation))).toEqual({
      orgId: org,
      kind: 'conversations',
      conversationId: conversation,
    });
  });

  it('refuses wildcards, other namespaces, malformed ids and paths of the wrong length', () => {
    for (const path of [
      '/orgs/*',
      `/orgs/${org}/*`,
      `/orgs/${org}/conversations`,
      `/orgs/${org}/conversations/*`,
      `/orgs/${org}/conversations/not-a-conversation`,
      `/orgs/${org}/conversations/${conversation}/more`,
      `/orgs/${org}/tasks/${conversation}`,
      `/orgs/${org}/presence/x`,
      `/orgs/${org}/other`,
      `/orgs/org_nope/conversations/${conversation}`,
      `/other/${org}/tasks`,
      `orgs/${org}/tasks`,
    ]) {
      expect(parseChannel(path), path).toBeUndefined();
    }
  });
});
