/** Outside the local stage invite mail goes to SES v2; a loopback server stands in for its endpoint. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, expect, it } from 'vitest';

const requests: { method?: string; url?: string; body: string }[] = [];
const ses = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => {
    body += c;
  });
  req.on('end', () => {
    requests.push({ method: req.method, url: req.url, body });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ MessageId: 'm-1' }));
  });
});
await new Promise<void>((r) => ses.listen(0, '127.0.0.1', r));
afterAll(() => new Promise<void>((r) => ses.close(() => r())));

it('sends through SES v2 when the stage is not local, and keeps nothing in the outbox', async () => {
  Object.assign(process.env, {
    STAGE: 'prod',
    MAIL_FROM: 'invites@example.org',
    AWS_ENDPOINT_URL_SESV2: `http://127.0.0.1:${(ses.address() as AddressInfo).port}`,
  });
  const { mail, outbox } = await import('../../functions/adapters/mail');
  await mail().send({ to: 'someone@example.com', subject: 'Hello', text: 'Accept: https://x/y' });
  expect(outbox).toEqual([]);
  expect(requests).toHaveLength(1);
  expect(requests[0]).toMatchObject({ method: 'POST', url: '/v2/email/outbound-emails' });
  expect(JSON.parse(requests[0]!.body)).toMatchObject({
    FromEmailAddress: 'invites@example.org',
    Destination: { ToAddresses: ['someone@example.com'] },
    Content: { Simple: { Subject: { Data: 'Hello' }, Body: { Text: { Data: 'Accept: https://x/y' } } } },
  });
});
