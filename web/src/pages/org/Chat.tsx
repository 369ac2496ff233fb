/**
 * The chat console: pick an agent, talk to it, and see each answer with the knowledge passages it
 * was given (the cited ones link to their entry), its latency and tokens. A conversation starts
 * with the first message (channel `console`) and can be continued from the conversations list
 * (`?agentId=…&conversationId=…`). While a send is pending the reply's text is shown as the model
 * writes it, from the conversation's live channel (README "Conversations"); the stored reply from
 * the API then replaces it with its sources and counts. A reply the model could not give is shown
 * as failed, with the API's reason. Screen readers hear once that the answer came, not each piece.
 */
import {
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  NativeSelect,
  Stack,
  Text,
  Textarea,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { IconMessageChatbot, IconSend } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { can } from '../../../../functions/api/permissions';
import { listAgents } from '../../../../functions/api/routes/agents';
import {
  createConversation,
  getConversationUsage,
  listConversationMessages,
  sendMessage,
} from '../../../../functions/api/routes/conversations';
import { getMyMembership } from '../../../../functions/api/routes/tenancy';
import { type ConversationMessage, SendMessageBody } from '../../../../functions/api/schemas/conversations';
import { useApiForm } from '../../app/forms';
import { type StreamedReply, useReplyStream } from '../../app/live';
import { useChange, useRoute } from '../../app/queries';
import { useFormat } from '../../app/time';
import { Empty, Loaded, ProblemAlert } from '../../components/feedback';

function Reply({ orgId, message }: { orgId: string; message: ConversationMessage }) {
  const cited = message.citations.filter((c) => c.cited);
  if (message.status === 'failed') {
    return (
      <Text size="sm" c="red" role="note">
        No answer: {message.error}
      </Text>
    );
  }
  return (
    <Stack gap={6}>
      <Text style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{message.text}</Text>
      {cited.length > 0 && (
        <Group gap="xs" wrap="wrap" aria-label="Sources">
          <Text size="sm" c="dimmed">
            Sources:
          </Text>
          {cited.map((c) => (
            <Anchor
              key={`${c.entryId}#${c.chunk}`}
              component={Link}
              to={`/orgs/${orgId}/knowledge/${c.entryId}`}
              size="sm"
            >
              {c.heading ? `${c.title} › ${c.heading}` : c.title}
            </Anchor>
          ))}
        </Group>
      )}
      <Text size="xs" c="dimmed">
        {`${((message.latencyMs ?? 0) / 1000).toFixed(1)} s · ${message.inputTokens} tokens in, ${message.outputTokens} out`}
      </Text>
    </Stack>
  );
}

function Transcript({
  orgId,
  agentId,
  conversationId,
}: {
  orgId: string;
  agentId: string;
  conversationId: string;
}) {
  const messages = useRoute(listConversationMessages, {
    params: { orgId, agentId, conversationId },
    query: { limit: 100 },
  });
  const { time } = useFormat();
  return (
    <Loaded query={messages}>
      {({ data }) => (
        <Stack gap="sm" role="log" aria-label="Conversation">
          {data.items.map((m) => (
            <Card
              key={m.id}
              withBorder
              padding="sm"
              bg={m.role === 'user' ? 'var(--mantine-color-blue-light)' : undefined}
              aria-label={m.role === 'user' ? 'You' : 'Agent'}
            >
              <Group justify="space-between" gap="xs" mb={4}>
                <Text size="sm" fw={600}>
                  {m.role === 'user' ? 'You' : 'Agent'}
                </Text>
                <Text size="xs" c="dimmed">
                  {time(m.createdAt)}
                </Text>
              </Group>
              {m.role === 'user' ? (
                <Text style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{m.text}</Text>
              ) : (
                <Reply orgId={orgId} message={m} />
              )}
            </Card>
          ))}
        </Stack>
      )}
    </Loaded>
  );
}

/** The reply as it is written; aria-busy and not live, so assistive tech waits for the stored one. */
function Streaming({ reply }: { reply: StreamedReply }) {
  return (
    <Card withBorder padding="sm" aria-label="Agent (writing)" aria-busy="true" data-testid="streamed-reply">
      <Text size="sm" fw={600} mb={4}>
        Agent
      </Text>
      <Text
        c={reply.text ? undefined : 'dimmed'}
        style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}
      >
        {reply.text || 'Writing…'}
      </Text>
    </Card>
  );
}

function Composer({
  orgId,
  agentId,
  conversationId,
  onStarted,
  stream,
  onAnswered,
}: {
  orgId: string;
  agentId: string;
  conversationId: string | null;
  onStarted: (conversationId: string) => void;
  stream: ReturnType<typeof useReplyStream>;
  onAnswered: (sentence: string) => void;
}) {
  const start = useChange(createConversation, { orgId });
  const send = useChange(sendMessage, { orgId });
  const { form, problem, run } = useApiForm<{ text: string }>(SendMessageBody, {
    initialValues: { text: '' },
  });
  return (
    <form
      aria-label="Send a message"
      onSubmit={run(async ({ text }) => {
        let id = conversationId;
        if (!id) {
          id = (await start.mutateAsync({ params: { orgId, agentId }, body: { channel: 'console' } })).data
            .id;
          onStarted(id);
        }
        form.reset();
        // Listening before sending, so the first pieces are not missed.
        await stream.listen(id);
        stream.begin();
        onAnswered('');
        try {
          await send.mutateAsync({ params: { orgId, agentId, conversationId: id }, body: { text } });
          onAnswered('The agent answered.');
        } catch (error) {
          onAnswered('The agent could not answer.');
          throw error;
        } finally {
          stream.end();
        }
      })}
    >
      <Stack gap="sm">
        <ProblemAlert error={problem} />
        <Textarea label="Message" autosize minRows={2} maxRows={8} required {...form.getInputProps('text')} />
        <Button
          type="submit"
          w="fit-content"
          leftSection={<IconSend size={16} />}
          loading={start.isPending || send.isPending}
        >
          Send
        </Button>
      </Stack>
    </form>
  );
}

export function Chat() {
  const { orgId = '' } = useParams();
  const [search, setSearch] = useSearchParams();
  const agents = useRoute(listAgents, { params: { orgId }, query: { limit: 100 } });
  const membership = useRoute(getMyMembership, { params: { orgId } });
  const usage = useRoute(getConversationUsage, { params: { orgId }, query: {} });
  const mayChat = membership.data ? can(membership.data.data.role, 'conversations:chat') : false;
  const agentId = search.get('agentId') ?? '';
  const conversationId = search.get('conversationId');
  const choose = (next: Record<string, string>) => setSearch(next, { replace: true });
  const stream = useReplyStream(orgId, conversationId);
  const [announcement, setAnnouncement] = useState('');

  return (
    <Stack gap="md">
      <Title order={1}>Chat</Title>
      {usage.data && (
        <Text size="sm" c="dimmed">
          {`${usage.data.data.usedTokens.toLocaleString()} of ${usage.data.data.monthlyTokens.toLocaleString()} model tokens used this month`}
        </Text>
      )}
      <Loaded query={agents}>
        {({ data }) =>
          data.items.length === 0 ? (
            <Empty
              icon={<IconMessageChatbot size={28} />}
              title="No agents yet"
              description="Create an agent first; then chat with it here."
              action={
                <Button component={Link} to={`/orgs/${orgId}/agents`}>
                  Go to agents
                </Button>
              }
            />
          ) : (
            <Stack gap="md">
              <Group align="flex-end" gap="sm" wrap="wrap">
                <NativeSelect
                  label="Agent"
                  data={[
                    { value: '', label: 'Choose an agent' },
                    ...data.items.map((a) => ({ value: a.id, label: a.name })),
                  ]}
                  value={agentId}
                  onChange={(e) => choose(e.currentTarget.value ? { agentId: e.currentTarget.value } : {})}
                  maw={360}
                  w="100%"
                />
                {conversationId && (
                  <Button variant="light" onClick={() => choose({ agentId })}>
                    New conversation
                  </Button>
                )}
                {conversationId && <Badge variant="light">Conversation in progress</Badge>}
              </Group>
              {!agentId ? (
                <Empty
                  icon={<IconMessageChatbot size={28} />}
                  title="Pick an agent"
                  description="Choose the agent to talk to; its answers come from its prompt and your knowledge bank."
                />
              ) : (
                <>
                  {conversationId ? (
                    <Transcript orgId={orgId} agentId={agentId} conversationId={conversationId} />
                  ) : (
                    !stream.reply && <Text c="dimmed">Send a message to start a conversation.</Text>
                  )}
                  {stream.reply && <Streaming reply={stream.reply} />}
                  <VisuallyHidden role="status">{announcement}</VisuallyHidden>
                  {mayChat ? (
                    <Composer
                      key={`${agentId}-${conversationId ?? 'new'}`}
                      orgId={orgId}
                      agentId={agentId}
                      conversationId={conversationId}
                      onStarted={(id) => choose({ agentId, conversationId: id })}
                      stream={stream}
                      onAnswered={setAnnouncement}
                    />
                  ) : (
                    <Text size="sm">
                      Viewers can read conversations; ask an admin for the member role to chat.
                    </Text>
                  )}
                </>
              )}
            </Stack>
          )
        }
      </Loaded>
    </Stack>
  );
}
