/** Webhooks from the services the platform runs on: public, each verifying its own signature. */
import { route } from '../route';
import { LivekitWebhookBody, LivekitWebhookReply } from '../schemas/webhooks';

export const receiveLivekitWebhook = route({
  operationId: 'receiveLivekitWebhook',
  method: 'POST',
  path: '/webhooks/livekit',
  module: 'livekit-webhook',
  summary:
    'LiveKit room and participant events, signed with the server’s API key and secret; an agent’s calls become call tasks',
  auth: { kind: 'public' },
  body: LivekitWebhookBody,
  signedBody: true,
  response: LivekitWebhookReply,
  successStatus: 200,
  // 401: not signed by this deployment's LiveKit; 409: another event of the same call was written
  // meanwhile (LiveKit retries); 503: no LiveKit configured.
  errors: [401, 409],
});
