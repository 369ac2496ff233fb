/** What the agents list and an agent's page share: labels, badges, nullable text fields. */
import { Badge, NativeSelect, SimpleGrid, Textarea, TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { type Agent, agentStatuses, agentTypes } from '../../../../functions/api/schemas/agents';

export const typeLabels: Record<Agent['type'], string> = { voice: 'Voice', chat: 'Chat', email: 'Email' };
export const statusLabels: Record<Agent['status'], string> = {
  active: 'Active',
  inactive: 'Inactive',
  training: 'Training',
};
// Teal 9 on the light variant's teal 1 is 4.3:1: an active agent's badge is filled (5:1 with white).
const statusStyle: Record<Agent['status'], { color: string; variant: string }> = {
  active: { color: 'teal.9', variant: 'filled' },
  inactive: { color: 'gray', variant: 'light' },
  training: { color: 'blue', variant: 'light' },
};

export function StatusBadge({ status }: { status: Agent['status'] }) {
  return (
    <Badge {...statusStyle[status]} miw="fit-content">
      {statusLabels[status]}
    </Badge>
  );
}

export function SharedBadge() {
  return (
    <Badge variant="outline" color="grape.9" miw="fit-content">
      Shared
    </Badge>
  );
}

/** Text fields whose empty value is null in the API. */
export function nullableText<V extends Record<string, unknown>>(
  form: UseFormReturnType<V>,
  field: keyof V & string,
) {
  return {
    ...form.getInputProps(field),
    value: (form.getValues()[field] as string | null | undefined) ?? '',
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
      form.setFieldValue(field, (e.currentTarget.value === '' ? null : e.currentTarget.value) as never),
  };
}

/** The fields an agent is created with and edited by (its keys aside, which each form treats its own way). */
export function AgentFields<
  V extends {
    name: string;
    type: string;
    status: string;
    description: string | null;
    initialMessage: string | null;
    chatbotEndpoint: string | null;
  },
>({ form }: { form: UseFormReturnType<V> }) {
  return (
    <>
      <TextInput label="Name" required {...form.getInputProps('name')} />
      <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
        <NativeSelect
          label="Type"
          data={agentTypes.map((t) => ({ value: t, label: typeLabels[t] }))}
          {...form.getInputProps('type')}
        />
        <NativeSelect
          label="Status"
          data={agentStatuses.map((s) => ({ value: s, label: statusLabels[s] }))}
          {...form.getInputProps('status')}
        />
      </SimpleGrid>
      <Textarea label="Description" autosize minRows={2} maxRows={6} {...nullableText(form, 'description')} />
      <Textarea
        label="Initial message"
        description="What the agent says first."
        autosize
        minRows={2}
        maxRows={6}
        {...nullableText(form, 'initialMessage')}
      />
      <TextInput
        label="Chatbot endpoint"
        description="The https URL the platform calls for the agent's replies."
        placeholder="https://bot.example.com/reply"
        inputMode="url"
        autoComplete="off"
        {...nullableText(form, 'chatbotEndpoint')}
      />
    </>
  );
}
