/** What the prompts list and a prompt's page share: the fields a prompt is written with. */
import { Textarea, TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { maxPromptBytes } from '../../../../functions/api/schemas/prompts';
import { SizeCounter } from '../../components/editing';
import { nullableText } from './agent-parts';

export interface PromptValues extends Record<string, unknown> {
  name: string;
  description: string | null;
  text: string;
  /** Why this version was made; empty is left out. */
  note: string;
}

export const usedByText = (agents: number) =>
  agents === 0 ? 'No agents' : agents === 1 ? '1 agent' : `${agents} agents`;

export const monospace = { fontFamily: 'var(--mantine-font-family-monospace)' };

export function PromptFields({
  form,
  editing = false,
}: {
  form: UseFormReturnType<PromptValues>;
  editing?: boolean;
}) {
  return (
    <>
      <TextInput label="Name" required {...form.getInputProps('name')} />
      <Textarea label="Description" autosize minRows={1} maxRows={4} {...nullableText(form, 'description')} />
      <Textarea
        label="Prompt text"
        required
        autosize
        minRows={8}
        maxRows={24}
        spellCheck={false}
        styles={{ input: monospace }}
        description={<SizeCounter text={form.getValues().text} maxBytes={maxPromptBytes} />}
        {...form.getInputProps('text')}
      />
      <TextInput
        label="Version note"
        description={
          editing
            ? 'Why you are making this change; shown in the version history.'
            : 'Optional; shown beside version 1 in the history.'
        }
        {...form.getInputProps('note')}
      />
    </>
  );
}
