/**
 * The chat console: pick an agent, talk to it, and see each answer with the knowledge passages it
 * was given (the cited ones as numbered chips linking to their entry, where the answer names them;
 * the others retrieved but not cited behind a toggle), its latency and tokens. Enter sends,
 * Shift+Enter starts a new line, and the composer stays at the bottom of the screen. Push to talk
 * records one utterance with the microphone (MediaRecorder) and sends it to the voice route: what
 * was heard is shown, the cited answer appears like a typed one, and the reply is played. A conversation starts
 * with the first message (channel `console`) and can be continued from the conversations list
 * (`?agentId=…&conversationId=…`). While a send is pending the reply's text is shown as the model
 * writes it, from the conversation's live channel (README "Conversations"); the stored reply from
 * the API then replaces it with its sources and counts. A reply the model could not give is shown
 * as failed, with the API's reason. Screen readers hear once that the answer came, not each piece.
 */
import {
  Anchor,
  Badge,
  Box,
  Button,
  Card,
  Collapse,
  Group,
  NativeSelect,
  Stack,
  Text,
  Textarea,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import {
  IconChevronDown,
  IconChevronRight,
  IconMessageChatbot,
  IconMicrophone,
  IconPlayerStopFilled,
  IconSend,
} from '@tabler/icons-react';
import { Fragment, type ReactNode, useEffect, useRef, useState } from 'react';
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
import { sendVoiceTurn } from '../../../../functions/api/routes/voice';
import {
  type Citation,
  type ConversationMessage,
  SendMessageBody,
} from '../../../../functions/api/schemas/conversations';
import { problemText } from '../../app/api';
import { useApiForm } from '../../app/forms';
import { type StreamedReply, useReplyStream } from '../../app/live';
import { useChange, useRoute } from '../../app/queries';
import { useFormat } from '../../app/time';
import { Empty, Loaded, ProblemAlert } from '../../components/feedback';

const sourceName = (c: Citation) => (c.heading ? `${c.title} › ${c.heading}` : c.title);

/**
 * The answer's text with each `[entry:<id>]` marker shown as the number of its source chip (a link
 * to the entry), never as the raw marker.
 */
function withSourceMarks(orgId: string, text: string, cited: Citation[]): ReactNode[] {
  const out: ReactNode[] = [];
  let at = 0;
  for (const marker of text.matchAll(/\s?\[entry:([^\]\s]+)\]/g)) {
    out.push(<Fragment key={`text-${at}`}>{text.slice(at, marker.index)}</Fragment>);
    at = marker.index + marker[0].length;
    const n = cited.findIndex((c) => c.entryId === marker[1]);
    if (n < 0) continue;
    out.push(
      <Anchor
        key={`source-${marker.index}`}
        component={Link}
        to={`/orgs/${orgId}/knowledge/${marker[1]}`}
        aria-label={`Source ${n + 1}: ${sourceName(cited[n]!)}`}
        size="xs"
        style={{ verticalAlign: 'super' }}
      >
        [{n + 1}]
      </Anchor>,
    );
  }
  out.push(<Fragment key={`text-${at}`}>{text.slice(at)}</Fragment>);
  return out;
}

function Reply({ orgId, message }: { orgId: string; message: ConversationMessage }) {
  const [showUncited, setShowUncited] = useState(false);
  // One chip per entry, in the order the answer names them.
  const cited = message.citations.filter(
    (c, i, all) => c.cited && all.findIndex((o) => o.entryId === c.entryId) === i,
  );
  const uncited = message.citations.filter((c) => !c.cited);
  if (message.status === 'failed') {
    return (
      <Text size="sm" c="red" role="note">
        No answer: {message.error}
      </Text>
    );
  }
  return (
    <Stack gap={6}>
      <Text style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
        {withSourceMarks(orgId, message.text, cited)}
      </Text>
      {cited.length > 0 && (
        <Group gap={6} wrap="wrap" role="group" aria-label="Sources">
          <Text size="sm" c="dimmed">
            Sources:
          </Text>
          {cited.map((c, n) => (
            <Badge
              key={c.entryId}
              component={Link}
              to={`/orgs/${orgId}/knowledge/${c.entryId}`}
              variant="light"
              radius="sm"
              tt="none"
              leftSection={<span aria-hidden="true">{n + 1}</span>}
              style={{ cursor: 'pointer', maxWidth: '100%' }}
            >
              {sourceName(c)}
            </Badge>
          ))}
        </Group>
      )}
      {uncited.length > 0 && (
        <div>
          <Button
            variant="subtle"
            size="compact-xs"
            px={0}
            aria-expanded={showUncited}
            leftSection={showUncited ? <IconChevronDown size={14} /> : <IconChevronRight size={14} />}
            onClick={() => setShowUncited((v) => !v)}
          >
            {`${uncited.length} more ${uncited.length === 1 ? 'passage' : 'passages'} retrieved, not cited`}
          </Button>
          <Collapse expanded={showUncited}>
            <Stack gap={2} pl="md" pt={4} role="list" aria-label="Retrieved, not cited">
              {uncited.map((c) => (
                <Anchor
                  key={`${c.entryId}#${c.chunk}`}
                  role="listitem"
                  component={Link}
                  to={`/orgs/${orgId}/knowledge/${c.entryId}`}
                  size="sm"
                >
                  {sourceName(c)}
                </Anchor>
              ))}
            </Stack>
          </Collapse>
        </div>
      )}
      <Text size="xs" c="dimmed">
        {`${((message.latencyMs ?? 0) / 1000).toFixed(1)} s · ${message.inputTokens} tokens in, ${message.outputTokens} out`}
      </Text>
    </Stack>
  );
}

/** Whether a message was spoken (a voice turn) rather than typed. */
const spoken = (m: ConversationMessage) => (m as { via?: string }).via === 'voice';

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
                <Group gap={6}>
                  <Text size="sm" fw={600}>
                    {m.role === 'user' ? 'You' : 'Agent'}
                  </Text>
                  {spoken(m) && (
                    <Group gap={2} wrap="nowrap">
                      <IconMicrophone size={12} aria-hidden />
                      <Text size="xs">Spoken</Text>
                    </Group>
                  )}
                </Group>
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
  ensureConversation,
  stream,
  onAnswered,
}: {
  orgId: string;
  agentId: string;
  conversationId: string | null;
  ensureConversation: () => Promise<string>;
  stream: ReturnType<typeof useReplyStream>;
  onAnswered: (sentence: string) => void;
}) {
  const send = useChange(sendMessage, { orgId });
  const { form, problem, run } = useApiForm<{ text: string }>(SendMessageBody, {
    initialValues: { text: '' },
  });
  const formRef = useRef<HTMLFormElement>(null);
  const [starting, setStarting] = useState(false);
  return (
    <form
      ref={formRef}
      aria-label="Send a message"
      onSubmit={run(async ({ text }) => {
        let id = conversationId;
        if (!id) {
          setStarting(true);
          try {
            id = await ensureConversation();
          } finally {
            setStarting(false);
          }
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
      <Stack gap="xs">
        <ProblemAlert error={problem} />
        <Textarea
          label="Message"
          description="Enter sends; Shift+Enter starts a new line."
          autosize
          minRows={1}
          maxRows={6}
          required
          {...form.getInputProps('text')}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
              event.preventDefault();
              if (!send.isPending && !starting) formRef.current?.requestSubmit();
            }
          }}
        />
        <Group gap="sm" wrap="wrap">
          <Button type="submit" leftSection={<IconSend size={16} />} loading={starting || send.isPending}>
            Send
          </Button>
          <PushToTalk
            orgId={orgId}
            agentId={agentId}
            conversationId={conversationId}
            ensureConversation={ensureConversation}
            stream={stream}
            onAnswered={onAnswered}
          />
        </Group>
      </Stack>
    </form>
  );
}

/** The longest utterance the voice route takes; recording stops itself there. */
const maxUtteranceMs = 30_000;

/** Why the microphone could not be used, in words a person can act on. */
function microphoneProblem(error: unknown): string {
  const name = (error as { name?: string } | null)?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError')
    return 'The browser was not allowed to use the microphone; allow it for this site and try again.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError')
    return 'No microphone was found; connect one and try again.';
  if (typeof MediaRecorder === 'undefined') return 'This browser cannot record audio.';
  return 'The microphone could not be started; try again.';
}

/**
 * Push to talk: press to start recording, press again to send what was said (at most 30 s). The
 * turn's transcript is shown as soon as it is known, the answer appears in the conversation, and
 * the reply's audio plays.
 */
function PushToTalk({
  orgId,
  agentId,
  conversationId,
  ensureConversation,
  stream,
  onAnswered,
}: {
  orgId: string;
  agentId: string;
  conversationId: string | null;
  ensureConversation: () => Promise<string>;
  stream: ReturnType<typeof useReplyStream>;
  onAnswered: (sentence: string) => void;
}) {
  const say = useChange(sendVoiceTurn, { orgId });
  const [state, setState] = useState<'idle' | 'starting' | 'recording' | 'sending'>('idle');
  const [problem, setProblem] = useState<string | null>(null);
  const [heard, setHeard] = useState<{ transcript: string; audio: string | null } | null>(null);
  const recording = useRef<{ recorder: MediaRecorder; chunks: Blob[]; timer: number } | null>(null);

  // Leaving the page stops the microphone.
  useEffect(
    () => () => {
      const current = recording.current;
      if (!current) return;
      window.clearTimeout(current.timer);
      current.recorder.onstop = null;
      if (current.recorder.state !== 'inactive') current.recorder.stop();
      for (const track of current.recorder.stream.getTracks()) track.stop();
    },
    [],
  );

  const send = async (blob: Blob) => {
    setState('sending');
    try {
      const id = conversationId ?? (await ensureConversation());
      await stream.listen(id);
      stream.begin();
      onAnswered('');
      try {
        const { data } = await say.mutateAsync({
          params: { orgId, agentId, conversationId: id },
          body: blob,
        });
        setHeard({
          transcript: data.transcript,
          audio: data.audio.base64 ? `data:${data.audio.mediaType};base64,${data.audio.base64}` : null,
        });
        onAnswered('The agent answered.');
      } finally {
        stream.end();
      }
    } catch (error) {
      onAnswered('The agent could not answer.');
      setProblem(problemText(error));
    } finally {
      setState('idle');
    }
  };

  const start = async () => {
    setProblem(null);
    setHeard(null);
    setState('starting');
    try {
      const media = await navigator.mediaDevices.getUserMedia({ audio: true });
      const type = ['audio/webm;codecs=opus', 'audio/webm'].find((t) => MediaRecorder.isTypeSupported(t));
      const recorder = new MediaRecorder(media, type ? { mimeType: type } : undefined);
      const chunks: Blob[] = [];
      recorder.ondataavailable = (event) => {
        if (event.data.size > 0) chunks.push(event.data);
      };
      recorder.onstop = () => {
        for (const track of media.getTracks()) track.stop();
        recording.current = null;
        void send(new Blob(chunks, { type: 'audio/webm' }));
      };
      recorder.start();
      const timer = window.setTimeout(() => stop(), maxUtteranceMs);
      recording.current = { recorder, chunks, timer };
      setState('recording');
    } catch (error) {
      setProblem(microphoneProblem(error));
      setState('idle');
    }
  };

  const stop = () => {
    const current = recording.current;
    if (!current) return;
    window.clearTimeout(current.timer);
    if (current.recorder.state !== 'inactive') current.recorder.stop();
  };

  const recordingNow = state === 'recording';
  return (
    <>
      <Button
        type="button"
        variant={recordingNow ? 'filled' : 'light'}
        color={recordingNow ? 'red' : undefined}
        aria-pressed={recordingNow}
        leftSection={recordingNow ? <IconPlayerStopFilled size={16} /> : <IconMicrophone size={16} />}
        loading={state === 'starting' || state === 'sending'}
        onClick={() => (recordingNow ? stop() : void start())}
      >
        {recordingNow ? 'Stop and send' : 'Push to talk'}
      </Button>
      <Box w="100%" aria-live="polite">
        {recordingNow && (
          <Text size="sm" c="red">
            Listening… press Stop and send when you have finished (at most 30 seconds).
          </Text>
        )}
        {state === 'sending' && (
          <Text size="sm" c="dimmed">
            Sending what you said…
          </Text>
        )}
        {problem && (
          <Text size="sm" c="red" role="alert">
            {problem}
          </Text>
        )}
        {heard && (
          <Stack gap={4} data-testid="voice-turn">
            <Text size="sm" data-testid="heard">
              <Text span fw={600}>
                Heard:{' '}
              </Text>
              “{heard.transcript}”
            </Text>
            {heard.audio && (
              // biome-ignore lint/a11y/useMediaCaption: the reply's words are the answer shown above
              <audio controls autoPlay src={heard.audio} aria-label="The agent’s spoken reply" />
            )}
          </Stack>
        )}
      </Box>
    </>
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
  const start = useChange(createConversation, { orgId });
  /** The conversation a first message (typed or spoken) starts, with the console as its channel. */
  const ensureConversation = async () => {
    const id = (await start.mutateAsync({ params: { orgId, agentId }, body: { channel: 'console' } })).data
      .id;
    choose({ agentId, conversationId: id });
    return id;
  };

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
                    <Box
                      pos="sticky"
                      bottom={0}
                      py="sm"
                      bg="var(--mantine-color-body)"
                      style={{ borderTop: '1px solid var(--mantine-color-default-border)', zIndex: 2 }}
                    >
                      <Composer
                        key={agentId}
                        orgId={orgId}
                        agentId={agentId}
                        conversationId={conversationId}
                        ensureConversation={ensureConversation}
                        stream={stream}
                        onAnswered={setAnnouncement}
                      />
                    </Box>
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
