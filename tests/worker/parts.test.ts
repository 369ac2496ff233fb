/**
 * The voice worker's small parts: what a job says about its call, citation markers kept out of speech
 * however the reply is split, the NDJSON turn read as lines arrive in arbitrary chunks, the load metric
 * in CloudWatch's embedded format, and scale-in protection through the ECS agent's endpoint.
 */
import { createServer, type Server } from 'node:http';
import { ParticipantKind } from '@livekit/rtc-node';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, listenLocal } from '../../infra/local/ports';
import { callerOf, jobMetadata } from '../../worker/src/job';
import { loadMetricName, loadMetricNamespace, loadMetricReporter } from '../../worker/src/load-metric';
import { createPlatform } from '../../worker/src/platform';
import { CitationFilter } from '../../worker/src/platform-llm';
import { taskProtection } from '../../worker/src/task-protection';

let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const port = await freePort();
  server = createServer(handler);
  await listenLocal(server, port);
  return `http://127.0.0.1:${port}`;
}

describe('job', () => {
  it('reads {orgId, agentId} from the dispatch metadata and refuses anything else', () => {
    expect(jobMetadata('{"orgId":"org_1","agentId":"agt_1"}')).toEqual({ orgId: 'org_1', agentId: 'agt_1' });
    expect(() => jobMetadata('')).toThrow(/orgId and agentId/);
    expect(() => jobMetadata('{"orgId":"org_1"}')).toThrow(/orgId and agentId/);
  });

  it('takes a SIP caller’s numbers from its attributes; anyone else is a test call', () => {
    expect(
      callerOf({
        kind: ParticipantKind.SIP,
        attributes: { 'sip.phoneNumber': '+14155550100', 'sip.trunkPhoneNumber': '+14155550199' },
      }),
    ).toEqual({ via: 'phone', from: '+14155550100', to: '+14155550199' });
    expect(callerOf({ kind: ParticipantKind.STANDARD, attributes: {} })).toEqual({ via: 'test_call' });
  });
});

describe('citation markers', () => {
  const spoken = (parts: string[]) => {
    const filter = new CitationFilter();
    return parts.map((p) => filter.push(p)).join('') + filter.end();
  };

  it('are removed whole or split across deltas, and other brackets are kept', () => {
    const reply = 'Visitors park in the basement garage [entry:kn_01H] beside the lifts [entry:kn_02].';
    const expected = 'Visitors park in the basement garage beside the lifts.';
    expect(spoken([reply])).toBe(expected);
    expect(spoken(reply.split(''))).toBe(expected);
    expect(spoken(['garage [ent', 'ry:kn_', '01H] ok'])).toBe('garage ok');
    expect(spoken(['a [note] and [1]'])).toBe('a [note] and [1]');
    expect(spoken(['trailing [en'])).toBe('trailing [en');
  });
});

describe('platform turn stream', () => {
  it('yields each NDJSON event as its line completes, whatever the chunking', async () => {
    const lines = [
      { type: 'delta', text: 'Hello ' },
      { type: 'action', action: { name: 'end_call', reason: null } },
      { type: 'delta', text: 'there' },
    ];
    const body = lines.map((l) => JSON.stringify(l)).join('\n');
    const url = await serve((req, res) => {
      if (req.url === '/token') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ access_token: 'tok', expires_in: 3600 }));
        return;
      }
      expect(req.headers.authorization).toBe('Bearer tok');
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      // Odd chunk sizes split lines and even the JSON inside them.
      for (let i = 0; i < body.length; i += 7) res.write(body.slice(i, i + 7));
      res.end();
    });
    const platform = createPlatform({
      apiUrl: url,
      tokenUrl: `${url}/token`,
      clientId: 'c',
      clientSecret: 's',
    });
    const got = [];
    for await (const event of platform.turn('agt_1', 'cnv_1', { text: 'hi', channel: 'phone' }))
      got.push(event);
    expect(got).toEqual(lines);
  });
});

describe('load metric', () => {
  it('reports the share of calls in use as an embedded CloudWatch metric at most once a minute', () => {
    const lines: string[] = [];
    const report = loadMetricReporter(8, 'acp-test-voice-worker', (line) => lines.push(line));
    expect(report(2, 1_000_000)).toBe(0.25);
    expect(report(8, 1_030_000)).toBe(1);
    expect(lines).toHaveLength(1);
    report(4, 1_061_000);
    expect(lines).toHaveLength(2);
    const emf = JSON.parse(lines[0]!);
    expect(emf._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: loadMetricNamespace,
      Dimensions: [['Service']],
    });
    expect(emf).toMatchObject({ Service: 'acp-test-voice-worker', [loadMetricName]: 25, ActiveCalls: 2 });
  });
});

describe('scale-in protection', () => {
  it('is set through the ECS agent endpoint while calls run, renewed, and released when none are left', async () => {
    const states: { ProtectionEnabled: boolean; ExpiresInMinutes: number }[] = [];
    const url = await serve((req, res) => {
      let raw = '';
      req.on('data', (d) => {
        raw += d;
      });
      req.on('end', () => {
        expect(`${req.method} ${req.url}`).toBe('PUT /task-protection/v1/state');
        states.push(JSON.parse(raw));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"protection":{}}');
      });
    });
    const protect = taskProtection(url);
    await protect(0, 0);
    await protect(1, 1_000);
    await protect(3, 60_000);
    await protect(2, 1_000 + 31 * 60_000);
    await protect(0, 2_000_000);
    expect(states.map((s) => s.ProtectionEnabled)).toEqual([true, true, false]);
    expect(states[0]!.ExpiresInMinutes).toBeGreaterThanOrEqual(60);
  });

  it('does nothing outside ECS', async () => {
    await expect(taskProtection(undefined)(3)).resolves.toBeUndefined();
  });
});
