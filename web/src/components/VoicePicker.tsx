/**
 * A text-to-speech voice: the provider's known voices (functions/api/providers.ts `knownVoices`)
 * by name, gender and language, searchable; for providers whose accounts hold voices of their own,
 * "Another voice id…" turns it into a free id. The chosen voice's details are shown beneath it,
 * with the place where a preview of it goes (`preview`).
 */
import { Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { type ReactNode, useState } from 'react';
import { type KnownVoice, knownVoices, type TtsProvider } from '../../../functions/api/providers';
import { languageName } from './LanguageSelect';

const customValue = '__custom__';

const genderLabels: Record<KnownVoice['gender'], string> = {
  female: 'female',
  male: 'male',
  neutral: 'neutral',
};

/** The voices the console offers for a provider and model. */
export function voicesFor(provider: string, model: string): readonly KnownVoice[] {
  const all = knownVoices[provider as TtsProvider] ?? [];
  return all.filter((voice) => !voice.models || voice.models.includes(model));
}

export const voiceLabel = (voice: KnownVoice) =>
  `${voice.name} · ${genderLabels[voice.gender]} · ${languageName(voice.language)}`;

export function VoicePicker({
  provider,
  providerLabel,
  model,
  fixed,
  value,
  onChange,
  error,
  preview,
}: {
  provider: string;
  providerLabel: string;
  model: string;
  /** Only the known voices are allowed (the API refuses others). */
  fixed: boolean;
  value: string;
  /** The voice id, and the known voice when one was picked (its language can follow). */
  onChange(voiceId: string, voice?: KnownVoice): void;
  error?: ReactNode;
  /** The preview control (a short sample in this voice); built with the text-to-speech engines. */
  preview?: ReactNode;
}) {
  const voices = voicesFor(provider, model);
  const known = voices.find((voice) => voice.id === value);
  const [custom, setCustom] = useState(!fixed && (voices.length === 0 || (value !== '' && !known)));
  const freeId = !fixed && (custom || voices.length === 0);
  const data = [
    ...voices.map((voice) => ({ value: voice.id, label: voiceLabel(voice) })),
    ...(fixed
      ? []
      : [{ value: customValue, label: `Another voice id… (from your ${providerLabel} account)` }]),
  ];
  return (
    <Stack gap={6}>
      {voices.length > 0 && (
        <Select
          label="Voice"
          description={fixed ? undefined : `${providerLabel}'s stock voices, or the id of one of your own.`}
          data={data}
          value={freeId ? customValue : known ? value : null}
          placeholder="Choose a voice"
          searchable
          allowDeselect={false}
          nothingFoundMessage="No voice by that name or language"
          maxDropdownHeight={280}
          error={freeId ? undefined : error}
          onChange={(picked) => {
            if (!picked) return;
            if (picked === customValue) {
              setCustom(true);
              // The id typed next replaces a stock voice's; an own id already there stays.
              if (known) onChange('');
              return;
            }
            setCustom(false);
            onChange(
              picked,
              voices.find((voice) => voice.id === picked),
            );
          }}
        />
      )}
      {freeId && (
        <TextInput
          label="Voice id"
          description={`The id of a voice in your ${providerLabel} account.`}
          autoComplete="off"
          value={value}
          onChange={(e) => onChange(e.currentTarget.value)}
          error={error}
        />
      )}
      <Group gap="sm" wrap="wrap" justify="space-between" mih={28}>
        {known && !freeId ? (
          <Text size="sm" c="dimmed" data-testid="voice details" style={{ overflowWrap: 'anywhere' }}>
            Voice id {known.id} · {languageName(known.language)} · {genderLabels[known.gender]}
          </Text>
        ) : (
          <span />
        )}
        {preview}
      </Group>
    </Stack>
  );
}
