/**
 * "Play sample": a short greeting spoken by the agent's text-to-speech provider with its saved key,
 * in the voice as drafted (voice, model, language, speed), so a choice can be heard before it is
 * saved (POST …/voice-preview). The API's refusal is shown beside the button, in its own words.
 */
import { Button, Stack, Text } from '@mantine/core';
import { IconPlayerPlay } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { previewAgentVoice } from '../../../functions/api/routes/voice';
import type { VoicePreviewBody } from '../../../functions/api/schemas/voice';
import { fieldErrors, problemText } from '../app/api';
import { useSession } from '../app/session';

const fieldLabels: Record<string, string> = {
  voiceId: 'Voice',
  model: 'Text-to-speech model',
  language: 'Voice language',
  speed: 'Speed',
  text: 'Sample text',
};

/** The refusal in the API's words; a field it names is named as the form labels it. */
function refusalText(error: unknown): string {
  const fields = Object.entries(fieldErrors(error));
  if (fields.length === 0) return problemText(error);
  return fields.map(([field, message]) => `${fieldLabels[field] ?? field} ${message}.`).join(' ');
}

function audioUrl(audio: { mediaType: string; base64: string }): string {
  const bytes = Uint8Array.from(atob(audio.base64), (c) => c.charCodeAt(0));
  return URL.createObjectURL(new Blob([bytes], { type: audio.mediaType }));
}

export function VoiceSample({
  orgId,
  agentId,
  voice,
  unavailable,
}: {
  orgId: string;
  agentId: string;
  voice: VoicePreviewBody;
  /** Why no sample can be made of this draft (a provider whose key is not saved yet), if so. */
  unavailable?: string;
}) {
  const { api } = useSession();
  // A sample changes nothing, so it refreshes no cached query (unlike useChange).
  const preview = useMutation({
    mutationFn: () => api(previewAgentVoice, { params: { orgId, agentId }, body: voice }),
  });
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    const audio = preview.data?.data.audio;
    if (!audio) return;
    const url = audioUrl(audio);
    setSrc(url);
    return () => URL.revokeObjectURL(url);
  }, [preview.data]);

  return (
    <Stack gap={4} align="flex-start" aria-live="polite" miw={0}>
      <Button
        variant="light"
        size="xs"
        leftSection={<IconPlayerPlay size={14} />}
        loading={preview.isPending}
        disabled={Boolean(unavailable)}
        onClick={() => preview.mutate()}
      >
        Play sample
      </Button>
      {unavailable && (
        <Text size="xs" c="dimmed">
          {unavailable}
        </Text>
      )}
      {preview.isError && (
        <Text size="sm" c="red" role="alert" style={{ overflowWrap: 'anywhere' }}>
          {refusalText(preview.error)}
        </Text>
      )}
      {src && !preview.isPending && !preview.isError && (
        // biome-ignore lint/a11y/useMediaCaption: its words are shown beside it
        <audio controls autoPlay src={src} aria-label="Voice sample" style={{ maxWidth: '100%' }} />
      )}
      {preview.data && !preview.isPending && !preview.isError && (
        <Text size="xs" c="dimmed" data-testid="sample text">
          “{preview.data.data.text}”
        </Text>
      )}
    </Stack>
  );
}
