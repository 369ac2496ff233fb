/**
 * Outgoing mail: one port, two adapters. Deployed stages send through SES v2; the local stage
 * keeps messages in an in-process outbox that the local stack shows at GET /dev/outbox and tests read.
 */
import { config } from '../lib/config';
import { onFirstUse } from '../lib/lazy';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

export const outbox: (MailMessage & { sentAt: string })[] = [];
/** A local stack runs for days; the outbox keeps the newest messages only. */
const outboxSize = 200;

const outboxMailer: Mailer = {
  async send(message) {
    outbox.push({ ...message, sentAt: new Date().toISOString() });
    if (outbox.length > outboxSize) outbox.splice(0, outbox.length - outboxSize);
  },
};

const ses = onFirstUse(async () => {
  const { SESv2Client, SendEmailCommand } = await import('@aws-sdk/client-sesv2');
  return { client: new SESv2Client({ region: config().region }), SendEmailCommand };
});

function sesMailer(from: string): Mailer {
  return {
    async send({ to, subject, text }) {
      const { client, SendEmailCommand } = await ses();
      await client.send(
        new SendEmailCommand({
          FromEmailAddress: from,
          Destination: { ToAddresses: [to] },
          Content: { Simple: { Subject: { Data: subject }, Body: { Text: { Data: text } } } },
        }),
      );
    },
  };
}

let mailer: Mailer | undefined;

export function mail(): Mailer {
  if (!mailer) {
    const { isLocal, mailFrom } = config();
    mailer = isLocal ? outboxMailer : sesMailer(mailFrom);
  }
  return mailer;
}
