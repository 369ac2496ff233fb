/**
 * An agent's model and prompt: the LLM its chat answers come from (a Bedrock model from the
 * allow-list IAM grants, or an OpenAI-compatible server with its write-only key) and the prompt it
 * answers with (one of the org's prompts, pinned to a version or following the latest). Saved with
 * If-Match like the rest of the agent; shown read-only to those who cannot change the agent.
 */
import {
  Anchor,
  Card,
  Group,
  NativeSelect,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconMessageChatbot } from '@tabler/icons-react';
import { Link } from 'react-router';
import { bedrockModels, defaultLlm } from '../../../../functions/api/llm';
import { updateAgent } from '../../../../functions/api/routes/agents';
import { listPrompts, listPromptVersions } from '../../../../functions/api/routes/prompts';
import { type Agent, UpdateAgentBody } from '../../../../functions/api/schemas/agents';
import type { AgentPromptRef } from '../../../../functions/api/schemas/prompts';
import type { Result } from '../../app/api';
import { useApiForm } from '../../app/forms';
import { useChange, useRoute } from '../../app/queries';
import { useFormat } from '../../app/time';
import { SaveBar, useSaveOverBase } from '../../components/editing';
import { announceDone, announceFailure } from '../../components/feedback';
import { defaultLabel, Field, KeyField, keyText, llmText, modelLabels } from './agent-parts';

type LlmChoice = 'default' | 'bedrock' | 'openai-compatible';
/** The model settings as the form holds them: the key is only ever a new one being typed. */
type LlmValues =
  | { provider: 'bedrock'; modelId: string; temperature: number; maxTokens: number }
  | {
      provider: 'openai-compatible';
      baseUrl: string;
      model: string;
      temperature: number;
      maxTokens: number;
      apiKey?: string;
    };

interface ModelValues extends Record<string, unknown> {
  llm: LlmValues | null;
  prompt: AgentPromptRef | null;
}

const keyBeingCleared = (llm: { provider: string; apiKey?: string | null } | null | undefined) =>
  llm?.provider === 'openai-compatible' && llm.apiKey === null;

function valuesOf(agent: Agent): ModelValues {
  const llm = agent.llm;
  return {
    llm: llm?.provider === 'openai-compatible' ? { ...llm, apiKey: undefined } : llm,
    prompt: agent.prompt,
  };
}

/** The saved settings without the key's state: what a change is compared with. */
const settingsText = (llm: LlmValues | null) => {
  if (!llm || llm.provider === 'bedrock') return JSON.stringify(llm);
  const { apiKey: _new, ...settings } = llm;
  return JSON.stringify(settings);
};

function switchLlm(choice: LlmChoice, current: LlmValues | null, saved: Agent['llm']): LlmValues | null {
  if (choice === 'default') return null;
  const tuning = {
    temperature: current?.temperature ?? defaultLlm.temperature,
    maxTokens: current?.maxTokens ?? defaultLlm.maxTokens,
  };
  if (choice === 'bedrock') {
    return {
      provider: 'bedrock',
      modelId: saved?.provider === 'bedrock' ? saved.modelId : defaultLlm.modelId,
      ...tuning,
    };
  }
  return saved?.provider === 'openai-compatible'
    ? { ...saved, ...tuning, apiKey: undefined }
    : { provider: 'openai-compatible', baseUrl: '', model: '', ...tuning, apiKey: undefined };
}

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

export function ModelForm({
  orgId,
  base,
  adopt,
  reload,
}: {
  orgId: string;
  base: Result<Agent>;
  adopt(result: Result<Agent>): void;
  reload(): void;
}) {
  const agent = base.data;
  const update = useChange(updateAgent, { orgId });
  const { form, problem, run } = useApiForm<ModelValues>(UpdateAgentBody, { initialValues: valuesOf(agent) });
  const { stale, save: saveOver } = useSaveOverBase(form, adopt, valuesOf);
  const { prompts, options } = usePromptChoices(orgId, agent.prompt);
  const values = form.getValues();
  const llm = values.llm;
  const save = (body: UpdateAgentBody, done: string) =>
    saveOver(() => update.mutateAsync({ params: { orgId, agentId: agent.id }, body, etag: base.etag }), done);
  const clearKey = () => {
    const saved = valuesOf(agent).llm;
    if (saved?.provider !== 'openai-compatible') return;
    save({ llm: { ...saved, apiKey: null } }, 'Model key cleared.').catch((error) =>
      announceFailure('Key not cleared', error),
    );
  };
  const savedKey = agent.llm?.provider === 'openai-compatible' ? agent.llm.apiKey : undefined;
  return (
    <Card withBorder component="section" aria-labelledby="model-and-prompt">
      <form
        aria-label="Model and prompt"
        onSubmit={run(async (submitted) => {
          const before = valuesOf(agent);
          const body: UpdateAgentBody = {};
          const newKey =
            submitted.llm?.provider === 'openai-compatible' && submitted.llm.apiKey !== undefined;
          if (settingsText(submitted.llm) !== settingsText(before.llm) || newKey) {
            body.llm = submitted.llm as UpdateAgentBody['llm'];
          }
          if (JSON.stringify(submitted.prompt) !== JSON.stringify(before.prompt))
            body.prompt = submitted.prompt;
          if (Object.keys(body).length === 0) {
            announceDone('Nothing to save: the model and prompt are unchanged.');
            return;
          }
          await save(body, 'Model and prompt saved.');
        })}
      >
        <Stack gap="sm">
          <Group justify="space-between" wrap="wrap" gap="xs">
            <Title order={2} size="h4" id="model-and-prompt">
              Model and prompt
            </Title>
            <Anchor component={Link} to={`/orgs/${orgId}/chat?agentId=${agent.id}`} size="sm">
              <Group gap={4} wrap="nowrap" component="span">
                <IconMessageChatbot size={16} aria-hidden />
                Try it in Chat
              </Group>
            </Anchor>
          </Group>
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
              onClear={clearKey}
              error={form.errors['llm.apiKey']}
              clearing={update.isPending && keyBeingCleared(update.variables?.body?.llm)}
            />
          )}
          <Select
            label="Prompt"
            description="The system prompt the agent answers with."
            placeholder="No prompt"
            data={options}
            searchable
            clearable
            nothingFoundMessage="No prompt by that name"
            value={values.prompt?.promptId ?? null}
            onChange={(promptId) =>
              form.setFieldValue('prompt', promptId ? { promptId, version: 'latest' } : null)
            }
            error={form.errors.prompt ?? form.errors['prompt.promptId']}
          />
          {values.prompt && (
            <VersionSelect
              key={values.prompt.promptId}
              orgId={orgId}
              promptId={values.prompt.promptId}
              value={values.prompt.version}
              error={form.errors['prompt.version']}
              onChange={(version) => form.setFieldValue('prompt.version', version)}
            />
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
          <SaveBar
            what="agent"
            stale={stale}
            onReload={reload}
            problem={problem}
            submit="Save model and prompt"
            pending={update.isPending}
          />
        </Stack>
      </form>
    </Card>
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
