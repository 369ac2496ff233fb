/**
 * One agent, in tabs (the tab is in the URL: `?tab=voice` opens on it and the back button goes
 * back through them). Everything an admin may change (details, model and prompt with the prompt's
 * text, voice, transcriber, keys) is one draft: one Save sends only what changed, with If-Match,
 * as at most three requests (the prompt's next version, the agent's PATCH, its speech PUT), and
 * leaving with unsaved changes asks first. Write-only keys show only as "Set • …last4" and are
 * cleared at once (confirmed). The phone numbers it answers, its test call, the orgs it is shared
 * into and deletion have their own tabs. An agent shared in from another organization, or seen by
 * a member who may not change it, is shown read-only.
 */
import {
  Alert,
  Anchor,
  Box,
  Button,
  Card,
  Group,
  Modal,
  NativeSelect,
  Select,
  SimpleGrid,
  Slider,
  Stack,
  Tabs,
  Text,
  Textarea,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { type UseFormReturnType, useForm } from '@mantine/form';
import { useElementSize } from '@mantine/hooks';
import { IconAlertCircle, IconDeviceFloppy, IconInfoCircle, IconShare, IconTrash } from '@tabler/icons-react';
import { type ReactNode, useEffect, useId, useState } from 'react';
import { Link, useBlocker, useNavigate, useParams, useSearchParams } from 'react-router';
import { can, type OrgRole } from '../../../../functions/api/permissions';
import {
  configureAgent,
  deleteAgent,
  getAgent,
  listAgentProviders,
  listAgentShares,
  shareAgent,
  unshareAgent,
  updateAgent,
} from '../../../../functions/api/routes/agents';
import { listPhoneNumbers } from '../../../../functions/api/routes/phone-numbers';
import { updatePrompt } from '../../../../functions/api/routes/prompts';
import { listMyOrgs } from '../../../../functions/api/routes/tenancy';
import { type Agent, agentStatuses, agentTypes } from '../../../../functions/api/schemas/agents';
import { ApiError, fieldErrors, problemText, type Result } from '../../app/api';
import { usePagedRoute } from '../../app/paging';
import { useChange, useRoute } from '../../app/queries';
import { useFormat } from '../../app/time';
import { confirmDestructive } from '../../components/confirm';
import { DangerCard, isStale, OrgResource, StaleAlert, useEditBase } from '../../components/editing';
import { announceDone, announceFailure, Loaded, LoadMore, ProblemAlert } from '../../components/feedback';
import { SectionCard } from '../../components/forms';
import { LanguageSelect, languageName } from '../../components/LanguageSelect';
import { VoicePicker } from '../../components/VoicePicker';
import { VoiceSample } from '../../components/VoiceSample';
import { ModelFields, ReadOnlyModel, usePromptSource } from './AgentModel';
import {
  type Changes,
  changesOf,
  type Draft,
  draftErrors,
  draftOf,
  type Providers,
  promptField,
  type Tab,
  tabOf,
  tabs,
} from './agent-draft';
import {
  Field,
  KeyField,
  keyText,
  nullableText,
  SharedBadge,
  StatusBadge,
  statusLabels,
  typeLabels,
} from './agent-parts';
import { AgentTalk } from './agent-talk';
import { CallList } from './call-list';

/** The agent's name in the breadcrumbs, from the cache the page fills. */
export function AgentName({ orgId, agentId }: { orgId: string; agentId: string }) {
  const agent = useRoute(getAgent, { params: { orgId, agentId } });
  return <>{agent.data?.data.name ?? 'Agent'}</>;
}

export const handle = {
  crumb: ({ orgId, agentId }: { orgId?: string; agentId?: string }) => (
    <AgentName orgId={orgId!} agentId={agentId!} />
  ),
};

type KeySlot = 'chatbotKey' | 'llm.apiKey' | 'ttsConfig.apiKey' | 'sttConfig.apiKey';

function OverviewFields({ form }: { form: UseFormReturnType<Draft> }) {
  return (
    <Card withBorder>
      <Stack gap="sm">
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
        <Textarea
          label="Description"
          autosize
          minRows={2}
          maxRows={6}
          {...nullableText(form, 'description')}
        />
        <Textarea
          label="Initial message"
          description="What the agent says first."
          autosize
          minRows={2}
          maxRows={6}
          {...nullableText(form, 'initialMessage')}
        />
      </Stack>
    </Card>
  );
}

function VoiceFields({
  agent,
  form,
  providers,
  onClearKey,
  clearing,
}: {
  agent: Agent;
  form: UseFormReturnType<Draft>;
  providers: Providers;
  onClearKey(slot: KeySlot): void;
  clearing: string | undefined;
}) {
  const speedId = useId();
  const values = form.getValues().ttsConfig;
  const tts = providers.tts.find((p) => p.id === values.provider);
  const pick = (provider: string) => {
    const p = providers.tts.find((x) => x.id === provider);
    if (!p) return;
    form.setFieldValue('ttsConfig', {
      ...values,
      provider,
      model: p.models[0] ?? '',
      voiceId: p.voices[0] ?? '',
    });
  };
  return (
    <Card withBorder>
      <Stack gap="sm">
        {!agent.ttsConfig && (
          <Text size="sm" c="dimmed">
            Not configured yet: choose the voice the agent speaks with, then save.
          </Text>
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <NativeSelect
            label="Text-to-speech provider"
            data={providers.tts.map((p) => ({ value: p.id, label: p.label }))}
            {...form.getInputProps('ttsConfig.provider')}
            onChange={(e) => pick(e.currentTarget.value)}
          />
          <NativeSelect
            label="Text-to-speech model"
            data={tts?.models ?? []}
            {...form.getInputProps('ttsConfig.model')}
          />
        </SimpleGrid>
        <VoicePicker
          // A new provider or model starts the picker afresh (its voices differ).
          key={`${values.provider}/${values.model}`}
          provider={values.provider}
          providerLabel={tts?.label ?? 'provider'}
          model={values.model}
          fixed={(tts?.voices.length ?? 0) > 0}
          value={values.voiceId}
          error={form.errors['ttsConfig.voiceId']}
          onChange={(voiceId, voice) => {
            form.setFieldValue('ttsConfig.voiceId', voiceId);
            // A voice of one language brings it along; a multilingual one keeps the chosen language.
            if (voice && voice.language !== 'mul') form.setFieldValue('ttsConfig.language', voice.language);
          }}
          preview={
            <VoiceSample
              orgId={agent.orgId}
              agentId={agent.id}
              voice={{
                voiceId: values.voiceId,
                model: values.model,
                language: values.language,
                speed: values.speed,
              }}
              unavailable={
                !agent.ttsConfig
                  ? 'Save a voice with its key to hear a sample.'
                  : agent.ttsConfig.provider !== values.provider
                    ? `Save ${tts?.label ?? 'the new provider'} with its key to hear a sample.`
                    : undefined
              }
            />
          }
        />
        <LanguageSelect
          label="Voice language"
          description="The language the agent speaks."
          value={values.language}
          onChange={(tag) => form.setFieldValue('ttsConfig.language', tag)}
          error={form.errors['ttsConfig.language']}
        />
        <Stack gap={4}>
          <Text id={speedId} size="sm" fw={500}>
            Speed: {values.speed.toFixed(2)}×
          </Text>
          <Slider
            min={0.5}
            max={2}
            step={0.05}
            thumbLabel="Speed"
            thumbProps={{
              'aria-labelledby': speedId,
              'aria-valuetext': `${values.speed.toFixed(2)} times`,
            }}
            label={(v) => `${v.toFixed(2)}×`}
            marks={[
              { value: 0.5, label: '0.5×' },
              { value: 1, label: '1×' },
              { value: 1.5, label: '1.5×' },
              { value: 2, label: '2×' },
            ]}
            mb="md"
            mx="xs"
            value={values.speed}
            onChange={(v) => form.setFieldValue('ttsConfig.speed', v)}
          />
          {form.errors['ttsConfig.speed'] && (
            <Text size="sm" c="red">
              {form.errors['ttsConfig.speed']}
            </Text>
          )}
        </Stack>
        <KeyField
          label="Text-to-speech key"
          state={agent.ttsConfig?.apiKey}
          value={values.apiKey}
          onChange={(v) => form.setFieldValue('ttsConfig.apiKey', v)}
          onClear={() => onClearKey('ttsConfig.apiKey')}
          error={form.errors['ttsConfig.apiKey']}
          clearing={clearing === 'ttsConfig.apiKey'}
        />
      </Stack>
    </Card>
  );
}

function TranscriberFields({
  agent,
  form,
  providers,
  onClearKey,
  clearing,
}: {
  agent: Agent;
  form: UseFormReturnType<Draft>;
  providers: Providers;
  onClearKey(slot: KeySlot): void;
  clearing: string | undefined;
}) {
  const values = form.getValues().sttConfig;
  const stt = providers.stt.find((p) => p.id === values.provider);
  const pick = (provider: string) => {
    const p = providers.stt.find((x) => x.id === provider);
    if (p) form.setFieldValue('sttConfig', { ...values, provider, model: p.models[0] ?? '' });
  };
  return (
    <Card withBorder>
      <Stack gap="sm">
        {!agent.sttConfig && (
          <Text size="sm" c="dimmed">
            Not configured yet: choose how callers are transcribed, then save.
          </Text>
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <NativeSelect
            label="Speech-to-text provider"
            data={providers.stt.map((p) => ({ value: p.id, label: p.label }))}
            {...form.getInputProps('sttConfig.provider')}
            onChange={(e) => pick(e.currentTarget.value)}
          />
          <NativeSelect
            label="Speech-to-text model"
            data={stt?.models ?? []}
            {...form.getInputProps('sttConfig.model')}
          />
        </SimpleGrid>
        <LanguageSelect
          label="Transcription language"
          description="The language callers speak."
          value={values.language}
          onChange={(tag) => form.setFieldValue('sttConfig.language', tag)}
          error={form.errors['sttConfig.language']}
        />
        <KeyField
          label="Speech-to-text key"
          state={agent.sttConfig?.apiKey}
          value={values.apiKey}
          onChange={(v) => form.setFieldValue('sttConfig.apiKey', v)}
          onClear={() => onClearKey('sttConfig.apiKey')}
          error={form.errors['sttConfig.apiKey']}
          clearing={clearing === 'sttConfig.apiKey'}
        />
      </Stack>
    </Card>
  );
}

/** The numbers whose calls this agent answers; they are assigned on the Phone numbers page. */
function AgentNumbers({ orgId, agent }: { orgId: string; agent: Agent }) {
  const numbers = usePagedRoute(listPhoneNumbers, {
    params: { orgId },
    query: { limit: 25, agentId: agent.id },
  });
  return (
    <Card withBorder>
      <Stack gap="sm">
        <Title order={2} size="h4">
          Phone numbers
        </Title>
        <Loaded query={{ ...numbers, data: numbers.items }} rows={1}>
          {(items) =>
            items.length === 0 ? (
              <Text size="sm">No phone number rings this agent.</Text>
            ) : (
              <Stack gap={4} role="list" aria-label="Numbers this agent answers">
                {items.map((n) => (
                  <Text key={n.e164} role="listitem" fw={600} ff="monospace">
                    {n.e164}
                  </Text>
                ))}
              </Stack>
            )
          }
        </Loaded>
        <LoadMore list={numbers} />
        <Anchor component={Link} to={`/orgs/${orgId}/phone-numbers`} w="fit-content">
          Manage phone numbers
        </Anchor>
      </Stack>
    </Card>
  );
}

function Sharing({ orgId, agent }: { orgId: string; agent: Agent }) {
  const format = useFormat();
  const shares = useRoute(listAgentShares, { params: { orgId, agentId: agent.id } });
  const mine = useRoute(listMyOrgs, { query: { limit: 100 } });
  // Which orgs the caller administers may have changed elsewhere (a new org, a new role): ask afresh.
  const refetchMine = mine.refetch;
  useEffect(() => {
    void refetchMine();
  }, [refetchMine]);
  const [target, setTarget] = useState<string | null>(null);
  const share = useChange(shareAgent, {
    orgId,
    onSuccess: ({ data }) => {
      setTarget(null);
      announceDone(`${agent.name} is shared with ${data.name}.`);
    },
  });
  const unshare = useChange(unshareAgent, { orgId });
  const sharedWith = new Set((shares.data?.data.items ?? []).map((s) => s.orgId));
  const candidates = (mine.data?.data.items ?? [])
    .filter(
      (o) => (o.role === 'owner' || o.role === 'admin') && o.org.id !== orgId && !sharedWith.has(o.org.id),
    )
    .map((o) => ({ value: o.org.id, label: o.org.displayName ?? o.org.name }));
  const shareError = share.error instanceof ApiError ? share.error : undefined;
  const fieldMessage = shareError?.problem.errors?.find((e) => e.field === 'targetOrgId')?.message;
  return (
    <SectionCard
      title="Sharing"
      description="Share the agent into another organization you administer. It is read-only there; you keep changing it here."
    >
      <Text size="sm">
        Knowledge is not shared with it: there the agent answers only from entries limited to it by name, in
        this organization&rsquo;s bank or in theirs. Entries for every agent stay with this organization,
        including ones written later. To give it an entry, pick this agent under &ldquo;Only for these
        agents&rdquo; on the entry.
      </Text>
      <Loaded query={{ ...shares, data: shares.data?.data.items }} rows={1}>
        {(items) =>
          items.length === 0 ? (
            <Text size="sm">Not shared with any organization.</Text>
          ) : (
            <Stack gap="xs" role="list" aria-label="Shared with">
              {items.map((s) => (
                <Group key={s.orgId} justify="space-between" wrap="wrap" gap="xs" role="listitem">
                  <div style={{ minWidth: 0 }}>
                    <Text fw={600} style={{ overflowWrap: 'anywhere' }}>
                      {s.name}
                    </Text>
                    <Text size="sm" c="dimmed">
                      Since {format.dateTime(s.sharedAt)}
                    </Text>
                  </div>
                  <Button
                    variant="subtle"
                    color="red"
                    size="xs"
                    aria-label={`Stop sharing with ${s.name}`}
                    onClick={() =>
                      confirmDestructive({
                        title: 'Stop sharing',
                        message: `Stop sharing ${agent.name} with ${s.name}? It disappears from that organization at once.`,
                        confirmLabel: 'Stop sharing',
                        onConfirm: () =>
                          unshare.mutate(
                            { params: { orgId, agentId: agent.id, targetOrgId: s.orgId } },
                            {
                              onSuccess: () =>
                                announceDone(`${agent.name} is no longer shared with ${s.name}.`),
                              onError: (error) => announceFailure('Still shared', error),
                            },
                          ),
                      })
                    }
                  >
                    Stop sharing
                  </Button>
                </Group>
              ))}
            </Stack>
          )
        }
      </Loaded>
      <Group align="flex-start" wrap="wrap" gap="sm">
        <Select
          label="Share with"
          placeholder={candidates.length ? 'Choose an organization' : 'No other organization you administer'}
          data={candidates}
          value={target}
          onChange={setTarget}
          searchable
          disabled={candidates.length === 0}
          error={fieldMessage}
          w={{ base: '100%', xs: 300 }}
        />
        <Button
          mt={{ base: 0, xs: 25 }}
          leftSection={<IconShare size={16} />}
          disabled={!target}
          loading={share.isPending}
          onClick={() =>
            target && share.mutate({ params: { orgId, agentId: agent.id }, body: { targetOrgId: target } })
          }
        >
          Share
        </Button>
      </Group>
      {share.error && !fieldMessage && <ProblemAlert error={share.error} />}
    </SectionCard>
  );
}

function DeleteAgent({ orgId, agent }: { orgId: string; agent: Agent }) {
  const navigate = useNavigate();
  const remove = useChange(deleteAgent, {
    orgId,
    onSuccess: () => {
      announceDone(`Agent ${agent.name} deleted.`);
      navigate(`/orgs/${orgId}/agents`);
    },
  });
  return (
    <DangerCard
      title="Delete agent"
      explanation="The agent stops at once, its seat is freed, it leaves every organization it is shared with, and its keys are deleted after 7 days."
      label="Delete agent"
      message={`Delete ${agent.name}? This cannot be undone.`}
      pending={remove.isPending}
      onConfirm={() => remove.mutate({ params: { orgId, agentId: agent.id } })}
    >
      <ProblemAlert error={remove.error} />
    </DangerCard>
  );
}

/** Where the agent's calls are: talking to it live from this browser, and its conversations. */
function Calls({ orgId, agent, role }: { orgId: string; agent: Agent; role: OrgRole }) {
  return (
    <Stack gap="md">
      {can(role, 'agents:call') && agent.status !== 'inactive' ? (
        <AgentTalk orgId={orgId} agent={agent} />
      ) : (
        <Text size="sm">
          {agent.status === 'inactive'
            ? 'The agent is inactive: make it active to call it.'
            : 'Members who may call agents can talk to it here.'}
        </Text>
      )}
      <Anchor component={Link} to={`/orgs/${orgId}/conversations?agentId=${agent.id}`} w="fit-content">
        This agent&rsquo;s conversations
      </Anchor>
      <Title order={2} size="h4">
        Call records
      </Title>
      <CallList orgId={orgId} filter={{ agentId: agent.id }} />
    </Stack>
  );
}

function Advanced({ orgId, agent, role }: { orgId: string; agent: Agent; role: OrgRole }) {
  const format = useFormat();
  return (
    <Stack gap="md">
      <Card withBorder>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <Field label="Agent id">{agent.id}</Field>
          <Field label="Version">{agent.version}</Field>
          <Field label="Created">{format.dateTime(agent.createdAt)}</Field>
          <Field label="Last changed">{format.dateTime(agent.updatedAt)}</Field>
        </SimpleGrid>
      </Card>
      {can(role, 'agents:delete') && <DeleteAgent orgId={orgId} agent={agent} />}
    </Stack>
  );
}

/** A tab's name, with a dot when it holds unsaved changes and a mark when it holds errors. */
function TabLabel({ tab, changed, failed }: { tab: Tab; changed: boolean; failed: boolean }) {
  return (
    <Group gap={6} wrap="nowrap" component="span">
      {tabs[tab]}
      {failed ? (
        <>
          <IconAlertCircle size={14} color="var(--mantine-color-red-filled)" aria-hidden />
          <VisuallyHidden component="span">{' (has errors)'}</VisuallyHidden>
        </>
      ) : (
        changed && (
          <>
            <Box
              component="span"
              w={8}
              h={8}
              bg="var(--mantine-primary-color-filled)"
              style={{ borderRadius: '50%' }}
              aria-hidden
            />
            <VisuallyHidden component="span">{' (unsaved changes)'}</VisuallyHidden>
          </>
        )
      )}
    </Group>
  );
}

/** The tab shown, kept in the URL's `tab` (each change a history entry, so Back returns to the last). */
function useTab(available: readonly Tab[]) {
  const [search, setSearch] = useSearchParams();
  const asked = search.get('tab') as Tab | null;
  const tab = asked && available.includes(asked) ? asked : available[0]!;
  const show = (next: Tab) =>
    setSearch((current) => {
      const params = new URLSearchParams(current);
      params.set('tab', next);
      return params;
    });
  return [tab, show] as const;
}

/** Leaving with unsaved changes: in the console (its router's blocker) and the browser's own (beforeunload). */
function UnsavedGuard({ dirty }: { dirty: boolean }) {
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname,
  );
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);
  return (
    <Modal
      opened={blocker.state === 'blocked'}
      onClose={() => blocker.reset?.()}
      title="Leave without saving?"
      closeButtonProps={{ 'aria-label': 'Close' }}
      centered
    >
      <Stack gap="md">
        <Text size="sm">Your changes to this agent are not saved. Leaving discards them.</Text>
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={() => blocker.reset?.()} data-autofocus>
            Stay
          </Button>
          <Button color="red" onClick={() => blocker.proceed?.()}>
            Leave and discard
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function AgentEditor({
  orgId,
  role,
  base,
  adopt,
  reload,
  providers,
}: {
  orgId: string;
  role: OrgRole;
  base: Result<Agent>;
  adopt(result: Result<Agent>): void;
  reload(): void;
  providers: Providers;
}) {
  const agent = base.data;
  const formId = useId();
  const available: Tab[] = ['overview', 'model', 'voice', 'transcriber', 'numbers', 'calls'];
  if (can(role, 'agents:share')) available.push('sharing');
  available.push('advanced');
  const [tab, show] = useTab(available);
  const form = useForm<Draft>({ mode: 'controlled', initialValues: draftOf(agent, providers) });
  const values = form.getValues();
  const { source, prompt } = usePromptSource(orgId, values.prompt, true);
  const changes: Changes = changesOf(values, agent, providers, source);
  const dirty = changes.tabs.size > 0;
  const failedTabs = new Set(Object.keys(form.errors).map(tabOf));
  const [saving, setSaving] = useState(false);
  const [stale, setStale] = useState<'agent' | 'prompt'>();
  const [problem, setProblem] = useState<string>();
  const [clearing, setClearing] = useState<KeySlot>();
  const update = useChange(updateAgent, { orgId });
  const configure = useChange(configureAgent, { orgId });
  const writePrompt = useChange(updatePrompt, { orgId });

  const refuse = (errors: Record<string, string>) => {
    form.setErrors(errors);
    const first = Object.keys(errors)[0];
    if (first && tabOf(first) !== tab) show(tabOf(first));
  };

  const save = async () => {
    setProblem(undefined);
    setStale(undefined);
    form.clearErrors();
    if (!dirty) {
      announceDone('Nothing to save: the agent is unchanged.');
      return;
    }
    const invalid = draftErrors(changes);
    if (Object.keys(invalid).length > 0) {
      refuse(invalid);
      return;
    }
    setSaving(true);
    let current = base;
    let step: 'prompt' | 'agent' | 'config' = 'prompt';
    const agentBody = { ...changes.agent };
    let newVersion: number | undefined;
    try {
      if (changes.prompt && values.prompt) {
        const written = await writePrompt.mutateAsync({
          params: { orgId, promptId: values.prompt.promptId },
          body: changes.prompt,
          etag: source?.etag,
        });
        newVersion = written.data.version;
        // Edited from a pinned version: the agent moves to the version just written.
        if (values.prompt.version !== 'latest') {
          agentBody.prompt = { promptId: values.prompt.promptId, version: newVersion };
          form.setFieldValue('prompt', agentBody.prompt);
        }
        form.setFieldValue('promptText', null);
        form.setFieldValue('promptNote', '');
      }
      step = 'agent';
      if (Object.keys(agentBody).length > 0) {
        current = await update.mutateAsync({
          params: { orgId, agentId: agent.id },
          body: agentBody,
          etag: current.etag,
        });
        form.setFieldValue('chatbotKey', undefined);
        if (form.getValues().llm?.provider === 'openai-compatible')
          form.setFieldValue('llm.apiKey', undefined);
      }
      step = 'config';
      if (changes.config) {
        current = await configure.mutateAsync({
          params: { orgId, agentId: agent.id },
          body: changes.config,
          etag: current.etag,
        });
      }
      adopt(current);
      const fresh = draftOf(current.data, providers);
      form.setInitialValues(fresh);
      form.setValues(fresh);
      form.resetDirty(fresh);
      announceDone(newVersion ? `Agent saved; the prompt is now at version ${newVersion}.` : 'Agent saved.');
    } catch (error) {
      // What was saved before the refusal stays saved: the page shows it, and the rest stays a draft.
      if (current !== base) adopt(current);
      if (isStale(error)) {
        setStale(step === 'prompt' ? 'prompt' : 'agent');
      } else {
        const byField = fieldErrors(error);
        const named =
          step === 'prompt'
            ? Object.fromEntries(Object.entries(byField).map(([f, m]) => [promptField(f), m]))
            : byField;
        if (Object.keys(named).length > 0 && error instanceof ApiError) refuse(named);
        else setProblem(problemText(error));
      }
    } finally {
      setSaving(false);
    }
  };

  /** A key is cleared at once (after its confirmation), from the agent as saved; the draft stays. */
  const clearKey = (slot: KeySlot) => {
    const saved = draftOf(agent, providers);
    const params = { orgId, agentId: agent.id };
    setClearing(slot);
    const request =
      slot === 'chatbotKey'
        ? update.mutateAsync({ params, body: { chatbotKey: null }, etag: base.etag })
        : slot === 'llm.apiKey'
          ? update.mutateAsync({
              params,
              body: {
                llm: {
                  ...(saved.llm as Extract<Draft['llm'], { provider: 'openai-compatible' }>),
                  apiKey: null,
                },
              },
              etag: base.etag,
            })
          : configure.mutateAsync({
              params,
              body: {
                ttsConfig: { ...saved.ttsConfig, ...(slot === 'ttsConfig.apiKey' ? { apiKey: null } : {}) },
                sttConfig: { ...saved.sttConfig, ...(slot === 'sttConfig.apiKey' ? { apiKey: null } : {}) },
              } as Parameters<typeof configure.mutateAsync>[0]['body'] & object,
              etag: base.etag,
            });
    request
      .then((result) => {
        adopt(result);
        announceDone('Key cleared.');
      })
      .catch((error) => (isStale(error) ? setStale('agent') : announceFailure('Key not cleared', error)))
      .finally(() => setClearing(undefined));
  };

  const keyProps = { agent, form, onClearKey: clearKey, clearing };
  const barShown = dirty || !!stale || !!problem || saving;
  const { ref: barRef, height: barHeight } = useElementSize();
  const changedNames = [...changes.tabs].map((t) => tabs[t]);
  return (
    <>
      <UnsavedGuard dirty={dirty && !saving} />
      <Tabs value={tab} onChange={(next) => next && show(next as Tab)} variant="outline">
        <Tabs.List aria-label="Agent settings">
          {available.map((t) => (
            <Tabs.Tab key={t} value={t}>
              <TabLabel tab={t} changed={changes.tabs.has(t)} failed={failedTabs.has(t)} />
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <form
          id={formId}
          aria-label="Agent settings"
          onSubmit={(event) => {
            event.preventDefault();
            void save();
          }}
        >
          <Tabs.Panel value="overview" pt="md">
            <OverviewFields form={form} />
          </Tabs.Panel>
          <Tabs.Panel value="model" pt="md">
            <ModelFields
              orgId={orgId}
              agent={agent}
              form={form}
              source={source}
              prompt={prompt}
              onClearKey={clearKey}
              clearing={clearing}
            />
          </Tabs.Panel>
          <Tabs.Panel value="voice" pt="md">
            <VoiceFields {...keyProps} providers={providers} />
          </Tabs.Panel>
          <Tabs.Panel value="transcriber" pt="md">
            <TranscriberFields {...keyProps} providers={providers} />
          </Tabs.Panel>
        </form>
        <Tabs.Panel value="numbers" pt="md">
          <AgentNumbers orgId={orgId} agent={agent} />
        </Tabs.Panel>
        <Tabs.Panel value="calls" pt="md">
          <Calls orgId={orgId} agent={agent} role={role} />
        </Tabs.Panel>
        {can(role, 'agents:share') && (
          <Tabs.Panel value="sharing" pt="md">
            <Sharing orgId={orgId} agent={agent} />
          </Tabs.Panel>
        )}
        <Tabs.Panel value="advanced" pt="md">
          <Advanced orgId={orgId} agent={agent} role={role} />
        </Tabs.Panel>
      </Tabs>
      {barShown && (
        <>
          {/* Room for the bar, so the end of the page is never under it. */}
          <Box h={barHeight + 16} aria-hidden />
          <Box
            ref={barRef}
            component="section"
            aria-label="Unsaved changes"
            pos="fixed"
            bottom={0}
            right={0}
            px="md"
            py="sm"
            // The page's own column (right of the navigation when it is shown): html and body hide
            // sideways overflow, which keeps position: sticky from working, so the bar is fixed.
            style={{
              left: 'var(--app-shell-navbar-offset, 0rem)',
              zIndex: 150,
              background: 'var(--mantine-color-body)',
              borderTop: '1px solid var(--mantine-color-default-border)',
              boxShadow: 'var(--mantine-shadow-sm)',
            }}
          >
            <Stack gap="sm" maw={900}>
              {stale && <StaleAlert what={stale} onReload={reload} />}
              {problem && <ProblemAlert error={problem} />}
              <Group justify="space-between" wrap="wrap" gap="sm">
                <Text size="sm" style={{ minWidth: 0, overflowWrap: 'anywhere' }}>
                  {dirty ? `Unsaved changes: ${changedNames.join(', ')}.` : 'All changes saved.'}
                </Text>
                <Group gap="sm">
                  <Button
                    variant="default"
                    disabled={!dirty || saving}
                    onClick={() => {
                      const saved = draftOf(agent, providers);
                      form.setValues(saved);
                      form.clearErrors();
                      setProblem(undefined);
                    }}
                  >
                    Discard
                  </Button>
                  <Button
                    type="submit"
                    form={formId}
                    loading={saving}
                    leftSection={<IconDeviceFloppy size={16} />}
                  >
                    Save changes
                  </Button>
                </Group>
              </Group>
            </Stack>
          </Box>
        </>
      )}
    </>
  );
}

/** Everything shown, nothing changed: for shared-in agents and for members who are not admins. */
function ReadOnlyDetails({ agent }: { agent: Agent }) {
  return (
    <Card withBorder>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <Field label="Type">{typeLabels[agent.type]}</Field>
        <Field label="Description">{agent.description ?? '—'}</Field>
        <Field label="Initial message">{agent.initialMessage ?? '—'}</Field>
        <Field label="Chatbot endpoint">{agent.chatbotEndpoint ?? '—'}</Field>
        <Field label="Chatbot key">{keyText(agent.chatbotKey)}</Field>
      </SimpleGrid>
    </Card>
  );
}

function ReadOnlySpeech({
  agent,
  providers,
  part,
  sample,
}: {
  agent: Agent;
  providers: Providers | undefined;
  part: 'tts' | 'stt';
  /** A sample of the voice, for those who may spend the provider's account on one. */
  sample?: ReactNode;
}) {
  const tts = agent.ttsConfig;
  const stt = agent.sttConfig;
  return (
    <Card withBorder>
      {part === 'tts' && tts ? (
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <Field label="Text to speech">
            {providers?.tts.find((p) => p.id === tts.provider)?.label ?? tts.provider}, {tts.model}
          </Field>
          <Field label="Voice">{tts.voiceId}</Field>
          <Field label="Voice language">{languageName(tts.language)}</Field>
          <Field label="Speed">{tts.speed}×</Field>
          <Field label="Text-to-speech key">{keyText(tts.apiKey)}</Field>
          {sample}
        </SimpleGrid>
      ) : part === 'stt' && stt ? (
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <Field label="Speech to text">
            {providers?.stt.find((p) => p.id === stt.provider)?.label ?? stt.provider}, {stt.model}
          </Field>
          <Field label="Transcription language">{languageName(stt.language)}</Field>
          <Field label="Speech-to-text key">{keyText(stt.apiKey)}</Field>
        </SimpleGrid>
      ) : (
        <Text size="sm">Not configured.</Text>
      )}
    </Card>
  );
}

function ReadOnlyAgent({ orgId, agent, role }: { orgId: string; agent: Agent; role: OrgRole }) {
  const providers = useRoute(listAgentProviders);
  const available: Tab[] = ['overview', 'model', 'voice', 'transcriber'];
  // A shared-in agent answers no number of this org.
  if (!agent.shared) available.push('numbers');
  available.push('calls');
  const [tab, show] = useTab(available);
  const p = providers.data?.data;
  return (
    <Tabs value={tab} onChange={(next) => next && show(next as Tab)} variant="outline">
      <Tabs.List aria-label="Agent settings">
        {available.map((t) => (
          <Tabs.Tab key={t} value={t}>
            {tabs[t]}
          </Tabs.Tab>
        ))}
      </Tabs.List>
      <Tabs.Panel value="overview" pt="md">
        <ReadOnlyDetails agent={agent} />
      </Tabs.Panel>
      <Tabs.Panel value="model" pt="md">
        <ReadOnlyModel orgId={orgId} agent={agent} canChat={can(role, 'conversations:chat')} />
      </Tabs.Panel>
      <Tabs.Panel value="voice" pt="md">
        <ReadOnlySpeech
          agent={agent}
          providers={p}
          part="tts"
          sample={can(role, 'agents:call') && <VoiceSample orgId={orgId} agentId={agent.id} voice={{}} />}
        />
      </Tabs.Panel>
      <Tabs.Panel value="transcriber" pt="md">
        <ReadOnlySpeech agent={agent} providers={p} part="stt" />
      </Tabs.Panel>
      {!agent.shared && (
        <Tabs.Panel value="numbers" pt="md">
          <AgentNumbers orgId={orgId} agent={agent} />
        </Tabs.Panel>
      )}
      <Tabs.Panel value="calls" pt="md">
        <Calls orgId={orgId} agent={agent} role={role} />
      </Tabs.Panel>
    </Tabs>
  );
}

function AgentPage({ orgId, initial, role }: { orgId: string; initial: Result<Agent>; role: OrgRole }) {
  const agentId = initial.data.id;
  const query = useRoute(getAgent, { params: { orgId, agentId } });
  const providers = useRoute(listAgentProviders);
  const { base, adopt, reload, generation } = useEditBase(initial, query.refetch);
  const agent = base.data;
  const editable = !agent.shared && can(role, 'agents:update');
  return (
    <Stack maw={900} gap="lg">
      <Group gap="sm" wrap="wrap">
        <Title order={1} size="h2" style={{ overflowWrap: 'anywhere' }}>
          {agent.name}
        </Title>
        <StatusBadge status={agent.status} />
        {agent.shared && <SharedBadge />}
      </Group>
      {agent.shared && (
        <Alert variant="light" icon={<IconInfoCircle size={18} />} title="Shared from another organization">
          This agent is managed by its owning organization; it is read-only here.
        </Alert>
      )}
      {!agent.shared && !editable && (
        <Alert variant="light" icon={<IconInfoCircle size={18} />} title="Read-only">
          Only admins of the organization change agents.
        </Alert>
      )}
      {editable ? (
        <Loaded query={{ ...providers, data: providers.data?.data }} rows={4}>
          {(p) => (
            <AgentEditor
              key={generation}
              orgId={orgId}
              role={role}
              base={base}
              adopt={adopt}
              reload={reload}
              providers={p}
            />
          )}
        </Loaded>
      ) : (
        <ReadOnlyAgent orgId={orgId} agent={agent} role={role} />
      )}
    </Stack>
  );
}

export function AgentDetail() {
  const { orgId, agentId } = useParams() as { orgId: string; agentId: string };
  const agent = useRoute(getAgent, { params: { orgId, agentId } });
  return (
    <OrgResource
      orgId={orgId}
      query={agent}
      missing={{
        icon: <IconTrash size={28} />,
        title: 'No such agent',
        description: 'It was deleted, or it is no longer shared with this organization.',
        back: 'Back to agents',
        to: `/orgs/${orgId}/agents`,
      }}
    >
      {(loaded, role) => <AgentPage key={`${orgId}/${agentId}`} orgId={orgId} initial={loaded} role={role} />}
    </OrgResource>
  );
}
