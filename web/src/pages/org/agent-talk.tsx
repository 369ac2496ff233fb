/**
 * "Talk": a live call with the agent from this browser (issue 22 path 1). The API mints the room's
 * token (POST …/sessions), the page opens the microphone, and the LiveKit port (app/live-talk.ts,
 * the SDK loaded only now) joins the room: a level meter on the microphone, the agent's voice,
 * both sides' words as they are said, mute and hang up. Each way it can fail says what to do,
 * and where no LiveKit server is configured it points to push to talk in Chat.
 */
import { Alert, Anchor, Box, Button, Card, Group, Progress, Stack, Text, Title } from '@mantine/core';
import { IconMicrophone, IconMicrophoneOff, IconPhoneCall, IconPhoneOff } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { createAgentSession } from '../../../../functions/api/routes/agent-sessions';
import type { Agent } from '../../../../functions/api/schemas/agents';
import { ApiError, problemText } from '../../app/api';
import { ConnectRefused, joinTalk, type LiveTalk, type TranscriptSegment } from '../../app/live-talk';
import { useSession } from '../../app/session';

type Phase = 'idle' | 'starting' | 'live' | 'ended';

type Problem =
  | { kind: 'not-configured' }
  | { kind: 'denied' }
  | { kind: 'no-microphone' }
  | { kind: 'refused'; serverUrl: string }
  | { kind: 'lost' }
  | { kind: 'other'; message: string };

function microphoneProblem(error: unknown): Problem {
  const name = (error as { name?: string } | null)?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError') return { kind: 'denied' };
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return { kind: 'no-microphone' };
  return { kind: 'other', message: 'The microphone could not be started; press Talk to try again.' };
}

/** The microphone's loudness, 0-100, ten times a second (0 while muted). */
function useLevel(stream: MediaStream | null, muted: boolean): number {
  const [level, setLevel] = useState(0);
  useEffect(() => {
    if (!stream || muted) {
      setLevel(0);
      return;
    }
    const audio = new AudioContext();
    const analyser = audio.createAnalyser();
    analyser.fftSize = 512;
    audio.createMediaStreamSource(stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const timer = window.setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      const rms = Math.sqrt(samples.reduce((sum, s) => sum + s * s, 0) / samples.length);
      // Speech sits around 0.01-0.3 RMS: a square root spreads it over the bar.
      setLevel(Math.min(100, Math.round(Math.sqrt(rms) * 180)));
    }, 100);
    return () => {
      window.clearInterval(timer);
      void audio.close();
    };
  }, [stream, muted]);
  return level;
}

function ProblemNotice({ problem, orgId, agentId }: { problem: Problem; orgId: string; agentId: string }) {
  const pushToTalk = (
    // The alert's own colour, underlined: a link's blue falls short of contrast on its red.
    <Anchor component={Link} to={`/orgs/${orgId}/chat?agentId=${agentId}`} c="inherit" underline="always">
      push to talk in Chat
    </Anchor>
  );
  const [title, body] = (() => {
    switch (problem.kind) {
      case 'not-configured':
        return [
          'Live talk is not set up here',
          <>
            Talking live needs a LiveKit server, and this deployment has none configured. You can still talk
            to the agent with {pushToTalk}: record what you say, hear its answer.
          </>,
        ];
      case 'denied':
        return [
          'Microphone not allowed',
          'The browser was not allowed to use the microphone. Allow it for this site (the icon in the address bar), then press Talk again.',
        ];
      case 'no-microphone':
        return ['No microphone', 'No microphone was found. Connect one, then press Talk again.'];
      case 'refused':
        return [
          'Could not join the call',
          <>
            The LiveKit server at {problem.serverUrl} refused the connection or could not be reached. Try
            again in a moment, or use {pushToTalk}.
          </>,
        ];
      case 'lost':
        return ['The call ended', 'The connection to the call was lost. Press Talk to call again.'];
      case 'other':
        return ['No call', problem.message];
    }
  })();
  return (
    <Alert color="red" title={title} role="alert" style={{ overflowWrap: 'anywhere' }}>
      {body}
    </Alert>
  );
}

export function AgentTalk({ orgId, agent }: { orgId: string; agent: Agent }) {
  const { api } = useSession();
  const [phase, setPhase] = useState<Phase>('idle');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [muted, setMuted] = useState(false);
  const [microphone, setMicrophone] = useState<MediaStream | null>(null);
  const [transcript, setTranscript] = useState<TranscriptSegment[]>([]);
  const call = useRef<LiveTalk | null>(null);
  const agentAudio = useRef<HTMLDivElement>(null);
  const level = useLevel(microphone, muted);

  const release = (stream: MediaStream | null) => {
    for (const track of stream?.getTracks() ?? []) track.stop();
    for (const element of agentAudio.current?.querySelectorAll('audio') ?? []) element.remove();
    setMicrophone(null);
  };

  // Leaving the page ends the call and closes the microphone.
  const current = useRef<MediaStream | null>(null);
  current.current = microphone;
  useEffect(
    () => () => {
      void call.current?.hangUp();
      for (const track of current.current?.getTracks() ?? []) track.stop();
    },
    [],
  );

  const talk = async () => {
    setProblem(null);
    setTranscript([]);
    setMuted(false);
    setPhase('starting');
    let stream: MediaStream | null = null;
    let serverUrl = '';
    try {
      const session = (await api(createAgentSession, { params: { orgId, agentId: agent.id } })).data;
      serverUrl = session.serverUrl;
      try {
        stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      } catch (error) {
        setProblem(microphoneProblem(error));
        setPhase('idle');
        return;
      }
      setMicrophone(stream);
      call.current = await joinTalk(session, stream.getAudioTracks()[0]!, {
        onTranscript: (segment) =>
          setTranscript((shown) => {
            const at = shown.findIndex((s) => s.id === segment.id);
            return at < 0 ? [...shown, segment] : shown.with(at, segment);
          }),
        onAgentAudio: (element) => {
          element.setAttribute('aria-label', 'The agent’s voice');
          agentAudio.current?.append(element);
        },
        onLost: () => {
          call.current = null;
          release(stream);
          setProblem({ kind: 'lost' });
          setPhase('ended');
        },
      });
      setPhase('live');
    } catch (error) {
      release(stream);
      if (error instanceof ConnectRefused) {
        setProblem({ kind: 'refused', serverUrl });
      } else if (error instanceof ApiError && error.problem.status === 503) {
        setProblem({ kind: 'not-configured' });
      } else {
        setProblem({ kind: 'other', message: problemText(error) });
      }
      setPhase('idle');
    }
  };

  const hangUp = async () => {
    const live = call.current;
    call.current = null;
    await live?.hangUp();
    release(microphone);
    setPhase('ended');
  };

  const toggleMute = async () => {
    await call.current?.setMuted(!muted);
    setMuted(!muted);
  };

  const live = phase === 'live';
  return (
    <Card withBorder component="section" aria-label="Talk">
      <Stack gap="sm">
        <Title order={2} size="h4">
          Talk
        </Title>
        <Text size="sm">
          Talk to the agent live from this browser, in a room of its own: it hears you through your microphone
          and answers aloud.
        </Text>
        <Group gap="sm" wrap="wrap">
          {live ? (
            <>
              <Button
                variant={muted ? 'filled' : 'light'}
                color={muted ? 'orange' : undefined}
                aria-pressed={muted}
                leftSection={muted ? <IconMicrophoneOff size={16} /> : <IconMicrophone size={16} />}
                onClick={() => void toggleMute()}
              >
                {muted ? 'Unmute' : 'Mute'}
              </Button>
              <Button color="red" leftSection={<IconPhoneOff size={16} />} onClick={() => void hangUp()}>
                Hang up
              </Button>
            </>
          ) : (
            <Button
              leftSection={<IconPhoneCall size={16} />}
              loading={phase === 'starting'}
              onClick={() => void talk()}
            >
              {phase === 'ended' ? 'Talk again' : 'Talk'}
            </Button>
          )}
        </Group>
        <Box aria-live="polite">
          {phase === 'starting' && (
            <Text size="sm" c="dimmed">
              Joining the call…
            </Text>
          )}
          {live && (
            <Text size="sm" role="status">
              {muted
                ? 'On the call, muted: the agent cannot hear you.'
                : 'On the call: speak whenever you like.'}
            </Text>
          )}
          {phase === 'ended' && !problem && (
            <Text size="sm" role="status">
              Call ended.
            </Text>
          )}
        </Box>
        {live && (
          <Stack gap={4}>
            <Text size="sm" aria-hidden>
              Your microphone{muted ? ' (muted)' : ''}
            </Text>
            <Progress value={level} aria-label="Your microphone’s level" size="lg" transitionDuration={80} />
          </Stack>
        )}
        <div ref={agentAudio} data-testid="agent audio" hidden />
        {problem && <ProblemNotice problem={problem} orgId={orgId} agentId={agent.id} />}
        {transcript.length > 0 && (
          <Stack gap={4} role="log" aria-label="Live transcript">
            {transcript.map((segment) => (
              <Text key={segment.id} size="sm" c={segment.final ? undefined : 'dimmed'}>
                <Text span fw={600}>
                  {segment.speaker === 'you' ? 'You' : agent.name}:{' '}
                </Text>
                {segment.text}
              </Text>
            ))}
          </Stack>
        )}
      </Stack>
    </Card>
  );
}
