/**
 * An agent's model and prompt: the LLM its chat answers come from (a Bedrock model from the
 * allow-list IAM grants, or an OpenAI-compatible server with its write-only key), the prompt it
 * answers with (one of the org's prompts, pinned to a version or following the latest) and that
 * prompt's text, and the chatbot endpoint that may answer instead. Part of the agent's one draft
 * (AgentDetail); shown read-only to those who cannot change the agent.
 */
import {
  Alert,
  Anchor,
  Card,
  Group,
  NativeSelect,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { IconInfoCircle, IconMessageChatbot } from '@tabler/icons-react';
import { Link } from 'react-router';
import { bedrockModels } from '../../../../functions/api/llm';
import { getPrompt, listPrompts, listPromptVersions } from '../../../../functions/api/routes/prompts';
import type { Agent } from '../../../../functions/api/schemas/agents';
import { type AgentPromptRef, maxPromptBytes, type Prompt } from '../../../../functions/api/schemas/prompts';
import { useRoute } from '../../app/queries';
import { useFormat } from '../../app/time';
import { SizeCounter } from '../../components/editing';
import { type Draft, type LlmChoice, type PromptSource, switchLlm } from './agent-draft';
import { defaultLabel, Field, KeyField, keyText, llmText, modelLabels, nullableText } from './agent-parts';
import { monospace } from './prompt-parts';

/** The org's prompts to choose from (the first 100; the saved one is always offered). */
function usePromptChoices(orgId: string, saved: AgentPromptRef | null) {
  const prompts = useRoute(listPrompts, { params: { orgId }, query: { limit: 100 } });
  const items = prompts.data?.data.items ?? [];
  const options = items.map((p) => ({ value: p.id, label: p.name }));
  // Once the list is in: a saved prompt beyond its first page is still offered, by its id.
  if (prompts.isSuccess && saved && !items.some((p) => p.id === saved.promptId)) {
    options.push({ value: saved.promptId, label: saved.promptId });
  }
  return { prompts, items, options };
}

function VersionSelect({
  orgId,
  promptId,
  value,
  error,
  onChange,
}: {
  orgId: string;
  promptId: string;
  value: AgentPromptRef['version'];
  error: React.ReactNode;
  onChange(version: AgentPromptRef['version']): void;
}) {
  const format = useFormat();
  const versions = useRoute(listPromptVersions, { params: { orgId, promptId }, query: { limit: 100 } });
  const items = versions.data?.data.items ?? [];
  const data = [
    { value: 'latest', label: 'Follow latest' },
    ...items.map((v) => ({
      value: String(v.version),
      label: `Version ${v.version}, ${format.date(v.createdAt)}${v.note ? ` — ${v.note}` : ''}`,
    })),
  ];
  // The saved version stays choosable (and its refusal visible) while the list loads or if it is gone.
  if (value !== 'latest' && !items.some((v) => v.version === value)) {
    data.push({ value: String(value), label: `Version ${value}` });
  }
  return (
    <NativeSelect
      label="Prompt version"
      description="A pinned version never changes; following the latest picks up each new version."
      data={data}
      error={error}
      value={String(value)}
      onChange={(e) => {
        const v = e.currentTarget.value;
        onChange(v === 'latest' ? 'latest' : Number(v));
      }}
    />
  );
}

/**
 * Where an agent's replies come from, said where the chatbot endpoint and the model provider are
 * both offered: they are two different ways, not two settings of one.
 */
export function RepliesExplained() {
  return (
    <Alert
      variant="light"
      role="note"
      icon={<IconInfoCircle size={18} />}
      title="Chatbot endpoint or model provider?"
    >
      <Stack gap={4}>
        <Text size="sm">
          <strong>Model provider and prompt</strong>: the platform writes the replies itself. The model
          answers with the prompt and the organization&rsquo;s knowledge, as in Chat.
        </Text>
        <Text size="sm">
          <strong>Chatbot endpoint</strong>: your own server writes the replies instead. On calls the platform
          sends it what the caller said and speaks its answer, with the chatbot key as its credential. Leave
          it empty to let the model provider answer.
        </Text>
      </Stack>
    </Alert>
  );
}

/** The text of the prompt version the agent uses, and the prompt's ETag a new version is sent against. */
export function usePromptSource(orgId: string, ref: AgentPromptRef | null, enabled: boolean) {
  const promptId = ref?.promptId ?? '';
  const prompt = useRoute(getPrompt, { params: { orgId, promptId } }, enabled && !!ref);
  const pinned = ref && ref.version !== 'latest' ? ref.version : undefined;
  const versions = useRoute(
    listPromptVersions,
    { params: { orgId, promptId }, query: { limit: 100 } },
    enabled && pinned !== undefined,
  );
  const latest = prompt.data;
  if (!ref || !latest || latest.data.id !== promptId) return { source: undefined, prompt: latest?.data };
  if (pinned === undefined || pinned === latest.data.version) {
    return { source: { promptId, text: latest.data.text, etag: latest.etag }, prompt: latest.data };
  }
  const version = versions.data?.data.items.find((v) => v.version === pinned);
  return {
    source: version ? { promptId, text: version.text, etag: latest.etag } : undefined,
    prompt: latest.data,
  };
}

/**
 * The model-and-prompt tab of the agent's draft: the chatbot endpoint and its key, the model
 * provider, the prompt (pinned or following the latest) and its text, which saving writes as the
 * prompt's next version.
 */
export function ModelFields({
  orgId,
  agent,
  form,
  source,
  prompt,
  onClearKey,
  clearing,
}: {
  orgId: string;
  agent: Agent;
  form: UseFormReturnType<Draft>;
  source: PromptSource | undefined;
  prompt: Prompt | undefined;
  onClearKey(slot: 'chatbotKey' | 'llm.apiKey'): void;
  clearing: string | undefined;
}) {
  const { prompts, options } = usePromptChoices(orgId, agent.prompt);
  const values = form.getValues();
  const llm = values.llm;
  const savedKey = agent.llm?.provider === 'openai-compatible' ? agent.llm.apiKey : undefined;
  const text = values.promptText ?? source?.text ?? '';
  const pinned = values.prompt && values.prompt.version !== 'latest';
  return (
    <Stack gap="md">
      <Group justify="flex-end">
        <Anchor component={Link} to={`/orgs/${orgId}/chat?agentId=${agent.id}`} size="sm">
          <Group gap={4} wrap="nowrap" component="span">
            <IconMessageChatbot size={16} aria-hidden />
            Try it in Chat
          </Group>
        </Anchor>
      </Group>
      <RepliesExplained />
      <Card withBorder component="section" aria-labelledby="agent-model-heading">
        <Stack gap="sm">
          <Title order={2} size="h4" id="agent-model-heading">
            Language model
          </Title>
          <NativeSelect
            label="Model provider"
            data={[
              { value: 'default', label: defaultLabel },
              { value: 'bedrock', label: 'Amazon Bedrock' },
              { value: 'openai-compatible', label: 'OpenAI-compatible server' },
            ]}
            value={llm?.provider ?? 'default'}
            onChange={(e) =>
              form.setFieldValue('llm', switchLlm(e.currentTarget.value as LlmChoice, llm, agent.llm))
            }
            error={form.errors.llm}
          />
          {llm?.provider === 'bedrock' && (
            <NativeSelect
              label="Bedrock model"
              data={bedrockModels.map((m) => ({ value: m, label: modelLabels[m] }))}
              {...form.getInputProps('llm.modelId')}
            />
          )}
          {llm?.provider === 'openai-compatible' && (
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              <TextInput
                label="Base URL"
                description="The server's https URL up to /v1; /chat/completions is added."
                placeholder="https://llm.example.com/v1"
                inputMode="url"
                autoComplete="off"
                {...form.getInputProps('llm.baseUrl')}
              />
              <TextInput label="Model" autoComplete="off" {...form.getInputProps('llm.model')} />
            </SimpleGrid>
          )}
          {llm && (
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              <NumberInput
                label="Temperature"
                description="0 answers the same way each time; 1 varies most."
                min={0}
                max={1}
                step={0.1}
                decimalScale={2}
                {...form.getInputProps('llm.temperature')}
              />
              <NumberInput
                label="Max tokens"
                description="The longest reply, in tokens (1 to 8192)."
                min={1}
                max={8192}
                step={256}
                allowDecimal={false}
                {...form.getInputProps('llm.maxTokens')}
              />
            </SimpleGrid>
          )}
          {llm?.provider === 'openai-compatible' && (
            <KeyField
              label="Model API key"
              state={savedKey}
              value={llm.apiKey}
              onChange={(v) => form.setFieldValue('llm.apiKey', v)}
              onClear={() => onClearKey('llm.apiKey')}
              error={form.errors['llm.apiKey']}
              clearing={clearing === 'llm.apiKey'}
            />
          )}
        </Stack>
      </Card>
      <Card withBorder component="section" aria-labelledby="agent-prompt-heading">
        <Stack gap="sm">
          <Title order={2} size="h4" id="agent-prompt-heading">
            Prompt
          </Title>
          <Select
            label="Prompt"
            description="The system prompt the agent answers with."
            placeholder="No prompt"
            data={options}
            searchable
            clearable
            nothingFoundMessage="No prompt by that name"
            value={values.prompt?.promptId ?? null}
            onChange={(promptId) => {
              form.setFieldValue('prompt', promptId ? { promptId, version: 'latest' } : null);
              form.setFieldValue('promptText', null);
            }}
            error={form.errors.prompt ?? form.errors['prompt.promptId']}
          />
          {values.prompt && (
            <VersionSelect
              key={values.prompt.promptId}
              orgId={orgId}
              promptId={values.prompt.promptId}
              value={values.prompt.version}
              error={form.errors['prompt.version']}
              onChange={(version) => {
                form.setFieldValue('prompt.version', version);
                form.setFieldValue('promptText', null);
              }}
            />
          )}
          {values.prompt && source && (
            <>
              <Textarea
                label="Prompt text"
                autosize
                minRows={6}
                maxRows={20}
                spellCheck={false}
                styles={{ input: monospace }}
                description={
                  <>
                    Saving writes version {(prompt?.version ?? 0) + 1} of {prompt?.name ?? 'the prompt'}
                    {pinned ? ', and the agent is pinned to it' : ''}. Other agents following its latest
                    version use it too. <SizeCounter text={text} maxBytes={maxPromptBytes} />
                  </>
                }
                value={text}
                onChange={(e) => form.setFieldValue('promptText', e.currentTarget.value)}
                error={form.errors.promptText}
              />
              {values.promptText !== null && values.promptText !== source.text && (
                <TextInput
                  label="Version note"
                  description="Why you are changing the prompt; shown in its version history."
                  {...form.getInputProps('promptNote')}
                />
              )}
              <Anchor
                component={Link}
                to={`/orgs/${orgId}/prompts/${values.prompt.promptId}`}
                size="sm"
                w="fit-content"
              >
                Open the prompt&rsquo;s page (history and differences)
              </Anchor>
            </>
          )}
          {prompts.isSuccess && options.length === 0 && (
            <Text size="sm">
              No prompts yet.{' '}
              <Anchor component={Link} to={`/orgs/${orgId}/prompts`} underline="always">
                Write one on the Prompts page
              </Anchor>{' '}
              to give the agent its instructions.
            </Text>
          )}
        </Stack>
      </Card>
      <Card withBorder component="section" aria-labelledby="agent-endpoint-heading">
        <Stack gap="sm">
          <Title order={2} size="h4" id="agent-endpoint-heading">
            Chatbot endpoint
          </Title>
          <TextInput
            label="Chatbot endpoint"
            description="Your server's https URL; empty to let the model provider answer."
            placeholder="https://bot.example.com/reply"
            inputMode="url"
            autoComplete="off"
            {...nullableText(form, 'chatbotEndpoint')}
          />
          <KeyField
            label="Chatbot key"
            state={agent.chatbotKey}
            value={values.chatbotKey}
            onChange={(v) => form.setFieldValue('chatbotKey', v)}
            onClear={() => onClearKey('chatbotKey')}
            error={form.errors.chatbotKey}
            clearing={clearing === 'chatbotKey'}
          />
        </Stack>
      </Card>
    </Stack>
  );
}

/** The model and prompt as they are, for shared-in agents and for those who cannot change them. */
export function ReadOnlyModel({ orgId, agent, canChat }: { orgId: string; agent: Agent; canChat: boolean }) {
  const { items } = usePromptChoices(orgId, agent.prompt);
  const llm = agent.llm;
  // A shared-in agent's prompt belongs to its owning organization: only its id is known here.
  const promptName = agent.prompt && (items.find((p) => p.id === agent.prompt?.promptId)?.name ?? 'A prompt');
  return (
    <Card withBorder component="section" aria-labelledby="model-and-prompt">
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Title order={2} size="h4" id="model-and-prompt">
            Model and prompt
          </Title>
          {canChat && (
            <Anchor component={Link} to={`/orgs/${orgId}/chat?agentId=${agent.id}`} size="sm">
              Try it in Chat
            </Anchor>
          )}
        </Group>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <Field label="Model">{llmText(llm)}</Field>
          {llm && (
            <Field label="Tuning">
              Temperature {llm.temperature}, up to {llm.maxTokens} tokens
            </Field>
          )}
          {llm?.provider === 'openai-compatible' && (
            <>
              <Field label="Base URL">{llm.baseUrl}</Field>
              <Field label="Model API key">{keyText(llm.apiKey)}</Field>
            </>
          )}
          <Field label="Prompt">
            {agent.prompt
              ? `${promptName}, ${agent.prompt.version === 'latest' ? 'following the latest version' : `version ${agent.prompt.version}`}`
              : 'None'}
          </Field>
        </SimpleGrid>
      </Stack>
    </Card>
  );
}
