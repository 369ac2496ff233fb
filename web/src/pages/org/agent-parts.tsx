/** What the agents list and an agent's page share: labels, badges, nullable text fields, key fields. */
import {
  Badge,
  Button,
  Group,
  NativeSelect,
  PasswordInput,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { IconKey, IconX } from '@tabler/icons-react';
import { useId } from 'react';
import { type bedrockModels, defaultLlm } from '../../../../functions/api/llm';
import { type Agent, agentStatuses, agentTypes } from '../../../../functions/api/schemas/agents';
import { confirmDestructive } from '../../components/confirm';

type KeyState = Agent['chatbotKey'];

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
    // No fixed shade: grape 9 reads on white but is 2.1:1 on the dark theme's page; Mantine's outline
    // takes grape 7 in light and grape 4 in dark.
    <Badge variant="outline" color="grape" miw="fit-content">
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

export function keyText(state: KeyState | undefined) {
  return state?.set ? `Set • …${state.last4 ?? ''}` : 'Not set';
}

/**
 * A write-only key: whether it is set and its last four characters, Replace (a password input whose
 * value is sent on save) and Clear (confirmed, at once). Left alone, nothing about it is sent.
 */
export function KeyField({
  label,
  state,
  value,
  onChange,
  onClear,
  error,
  clearing,
}: {
  label: string;
  state: KeyState | undefined;
  /** undefined: keep the current key; a string: the new key to send. */
  value: string | undefined;
  onChange(value: string | undefined): void;
  onClear(): void;
  error?: React.ReactNode;
  clearing?: boolean;
}) {
  const id = useId();
  const replacing = value !== undefined;
  return (
    <Stack gap={6} role="group" aria-labelledby={id}>
      <Group gap="xs" wrap="wrap">
        <Text id={id} size="sm" fw={500}>
          {label}
        </Text>
        <Badge
          variant={state?.set ? 'filled' : 'light'}
          color={state?.set ? 'teal.9' : 'gray'}
          leftSection={<IconKey size={12} />}
          tt="none"
          miw="fit-content"
          data-testid={`${label} state`}
        >
          {keyText(state)}
        </Badge>
      </Group>
      {replacing ? (
        <Group gap="xs" align="flex-start" wrap="nowrap">
          <PasswordInput
            label={`New ${label.toLowerCase()}`}
            description="Sent when you save; it is never shown again."
            autoComplete="new-password"
            data-autofocus
            value={value}
            onChange={(e) => onChange(e.currentTarget.value)}
            error={error}
            style={{ flex: 1, minWidth: 0 }}
          />
          <Button
            variant="subtle"
            color="gray"
            mt={24}
            leftSection={<IconX size={14} />}
            onClick={() => onChange(undefined)}
            aria-label={`Keep the current ${label.toLowerCase()}`}
          >
            Keep
          </Button>
        </Group>
      ) : (
        <Group gap="xs">
          <Button
            variant="light"
            size="xs"
            onClick={() => onChange('')}
            aria-label={`${state?.set ? 'Replace' : 'Set'} ${label.toLowerCase()}`}
          >
            {state?.set ? 'Replace' : 'Set'}
          </Button>
          {state?.set && (
            <Button
              variant="subtle"
              color="red"
              size="xs"
              loading={clearing}
              aria-label={`Clear ${label.toLowerCase()}`}
              onClick={() =>
                confirmDestructive({
                  title: `Clear ${label.toLowerCase()}`,
                  message: `Remove the ${label.toLowerCase()} ending in ${state.last4}? The agent can no longer use it until a new one is set.`,
                  confirmLabel: 'Clear key',
                  onConfirm: onClear,
                })
              }
            >
              Clear
            </Button>
          )}
          {error && (
            <Text size="sm" c="red" role="alert">
              {error}
            </Text>
          )}
        </Group>
      )}
    </Stack>
  );
}

/** A label and its value, for what is shown read-only. */
export function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div style={{ minWidth: 0 }}>
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text style={{ overflowWrap: 'anywhere' }}>{children}</Text>
    </div>
  );
}

export const modelLabels: Record<(typeof bedrockModels)[number], string> = {
  'amazon.nova-micro-v1:0': 'Amazon Nova Micro',
  'amazon.nova-lite-v1:0': 'Amazon Nova Lite',
  'amazon.nova-pro-v1:0': 'Amazon Nova Pro',
  'anthropic.claude-3-haiku-20240307-v1:0': 'Anthropic Claude 3 Haiku',
  'anthropic.claude-3-5-haiku-20241022-v1:0': 'Anthropic Claude 3.5 Haiku',
};

export const defaultLabel = `Platform default (Bedrock, ${modelLabels[defaultLlm.modelId]})`;

/** One line naming the model an agent answers with, for its page and the agents list. */
export function llmText(llm: Agent['llm']): string {
  if (!llm) return defaultLabel;
  if (llm.provider === 'bedrock') return `Bedrock, ${modelLabels[llm.modelId] ?? llm.modelId}`;
  return `${llm.model} at ${new URL(llm.baseUrl).host}`;
}
