/**
 * One agent: its details and chatbot endpoint, its speech configuration (text-to-speech and
 * speech-to-text from the providers' allow-list), its write-only keys (shown only as "Set • …last4",
 * replaced or cleared, never displayed), the phone numbers it answers, the orgs it is shared into,
 * and deletion. Changes are sent
 * with If-Match; a change someone made meanwhile is never overwritten. An agent shared in from
 * another organization is shown read-only.
 */
import {
  Alert,
  Anchor,
  Button,
  Card,
  Divider,
  Group,
  NativeSelect,
  Select,
  SimpleGrid,
  Slider,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconInfoCircle, IconPhoneCall, IconShare, IconTrash } from '@tabler/icons-react';
import { useEffect, useId, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { can, type OrgRole } from '../../../../functions/api/permissions';
import { createAgentSession } from '../../../../functions/api/routes/agent-sessions';
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
import { listMyOrgs } from '../../../../functions/api/routes/tenancy';
import { type Agent, AgentConfigBody, UpdateAgentBody } from '../../../../functions/api/schemas/agents';
import { ApiError, type Result } from '../../app/api';
import { useApiForm } from '../../app/forms';
import { usePagedRoute } from '../../app/paging';
import { useChange, useRoute } from '../../app/queries';
import { useFormat } from '../../app/time';
import { confirmDestructive } from '../../components/confirm';
import {
  DangerCard,
  isStale,
  OrgResource,
  SaveBar,
  useEditBase,
  useSaveOverBase,
} from '../../components/editing';
import { announceDone, announceFailure, Loaded, LoadMore, ProblemAlert } from '../../components/feedback';
import { FormCard, SectionCard } from '../../components/forms';
import { ModelForm, ReadOnlyModel } from './AgentModel';
import { AgentFields, Field, KeyField, keyText, SharedBadge, StatusBadge, typeLabels } from './agent-parts';

type Providers = Result<{
  tts: { id: string; label: string; models: string[]; voices: string[] }[];
  stt: { id: string; label: string; models: string[] }[];
}>['data'];

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

interface DetailValues extends Record<string, unknown> {
  name: string;
  type: Agent['type'];
  status: Agent['status'];
  description: string | null;
  initialMessage: string | null;
  chatbotEndpoint: string | null;
  chatbotKey?: string;
}

const detailNames = ['name', 'type', 'status', 'description', 'initialMessage', 'chatbotEndpoint'] as const;

function detailsOf(agent: Agent): DetailValues {
  // chatbotKey is named (though empty), so the API's message about it lands beside the key.
  return {
    ...Object.fromEntries(detailNames.map((n) => [n, agent[n]])),
    chatbotKey: undefined,
  } as DetailValues;
}

interface Shared {
  orgId: string;
  base: Result<Agent>;
  adopt(result: Result<Agent>): void;
  reload(): void;
}

function DetailsForm({ orgId, base, adopt, reload }: Shared) {
  const agent = base.data;
  const update = useChange(updateAgent, { orgId });
  const { form, problem, run } = useApiForm<DetailValues>(UpdateAgentBody, {
    initialValues: detailsOf(agent),
  });
  const { stale, setStale, save } = useSaveOverBase(form, adopt, detailsOf);
  const values = form.getValues();
  const clearKey = () =>
    update.mutate(
      { params: { orgId, agentId: agent.id }, body: { chatbotKey: null }, etag: base.etag },
      {
        onSuccess: (result) => {
          adopt(result);
          announceDone('Chatbot key cleared.');
        },
        onError: (error) => (isStale(error) ? setStale(true) : announceFailure('Key not cleared', error)),
      },
    );
  return (
    <FormCard
      label="Agent details"
      title="Details"
      onSubmit={run(async (submitted) => {
        setStale(false);
        const before = detailsOf(agent);
        const body: UpdateAgentBody = Object.fromEntries(
          detailNames.filter((n) => submitted[n] !== before[n]).map((n) => [n, submitted[n]]),
        );
        if (submitted.chatbotKey !== undefined) body.chatbotKey = submitted.chatbotKey;
        if (Object.keys(body).length === 0) {
          announceDone('Nothing to save: the agent is unchanged.');
          return;
        }
        await save(
          () =>
            update.mutateAsync({
              params: { orgId, agentId: agent.id },
              body,
              etag: base.etag,
            }),
          'Agent saved.',
        );
      })}
    >
      <AgentFields form={form} />
      <KeyField
        label="Chatbot key"
        state={agent.chatbotKey}
        value={values.chatbotKey}
        onChange={(v) => form.setFieldValue('chatbotKey', v)}
        onClear={clearKey}
        error={form.errors.chatbotKey}
        clearing={update.isPending && update.variables?.body?.chatbotKey === null}
      />
      <SaveBar
        what="agent"
        stale={stale}
        onReload={reload}
        problem={problem}
        submit="Save agent"
        pending={update.isPending}
      />
    </FormCard>
  );
}

interface ConfigValues extends Record<string, unknown> {
  ttsConfig: {
    provider: string;
    voiceId: string;
    model: string;
    speed: number;
    language: string;
    apiKey?: string;
  };
  sttConfig: { provider: string; model: string; language: string; apiKey?: string };
}

function configOf(agent: Agent, providers: Providers): ConfigValues {
  const tts = providers.tts.find((p) => p.id === 'openai') ?? providers.tts[0]!;
  const stt = providers.stt[0]!;
  const { apiKey: _t, ...ttsConfig } = agent.ttsConfig ?? {
    provider: tts.id,
    model: tts.models[0]!,
    voiceId: tts.voices[0] ?? '',
    speed: 1,
    language: 'en-US',
    apiKey: undefined,
  };
  const { apiKey: _s, ...sttConfig } = agent.sttConfig ?? {
    provider: stt.id,
    model: stt.models[0]!,
    language: 'en-US',
    apiKey: undefined,
  };
  return { ttsConfig, sttConfig };
}

function SpeechForm({ orgId, base, adopt, reload, providers }: Shared & { providers: Providers }) {
  const agent = base.data;
  const speedId = useId();
  const configure = useChange(configureAgent, { orgId });
  const { form, problem, run } = useApiForm<ConfigValues>(AgentConfigBody, {
    initialValues: configOf(agent, providers),
  });
  const { stale, save: saveOver } = useSaveOverBase(form, adopt, (saved) => configOf(saved, providers));
  const values = form.getValues();
  const tts = providers.tts.find((p) => p.id === values.ttsConfig.provider);
  const stt = providers.stt.find((p) => p.id === values.sttConfig.provider);
  const save = (body: AgentConfigBody, done: string) =>
    saveOver(
      () => configure.mutateAsync({ params: { orgId, agentId: agent.id }, body, etag: base.etag }),
      done,
    );
  /** Clearing a key sends the saved configuration with that key null (and keeps the other). */
  const clearKey = (slot: 'ttsConfig' | 'sttConfig') => {
    const saved = configOf(agent, providers);
    const body = { ...saved, [slot]: { ...saved[slot], apiKey: null } } as AgentConfigBody;
    save(body, `${slot === 'ttsConfig' ? 'Text-to-speech' : 'Speech-to-text'} key cleared.`).catch((error) =>
      announceFailure('Key not cleared', error),
    );
  };
  const pickTts = (provider: string) => {
    const p = providers.tts.find((x) => x.id === provider);
    if (!p) return;
    form.setFieldValue('ttsConfig', {
      ...values.ttsConfig,
      provider,
      model: p.models[0] ?? '',
      voiceId: p.voices.length > 0 ? p.voices[0]! : '',
    });
  };
  const pickStt = (provider: string) => {
    const p = providers.stt.find((x) => x.id === provider);
    if (!p) return;
    form.setFieldValue('sttConfig', { ...values.sttConfig, provider, model: p.models[0] ?? '' });
  };
  return (
    <FormCard
      label="Speech configuration"
      title="Speech"
      onSubmit={run((submitted) => save(submitted as AgentConfigBody, 'Speech configuration saved.'))}
    >
      {!agent.ttsConfig && (
        <Text size="sm" c="dimmed">
          Not configured yet: choose the voice and the transcription the agent uses, then save.
        </Text>
      )}
      <Title order={3} size="h5">
        Text to speech
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <NativeSelect
          label="Text-to-speech provider"
          data={providers.tts.map((p) => ({ value: p.id, label: p.label }))}
          {...form.getInputProps('ttsConfig.provider')}
          onChange={(e) => pickTts(e.currentTarget.value)}
        />
        <NativeSelect
          label="Text-to-speech model"
          data={tts?.models ?? []}
          {...form.getInputProps('ttsConfig.model')}
        />
        {tts && tts.voices.length > 0 ? (
          <NativeSelect label="Voice" data={tts.voices} {...form.getInputProps('ttsConfig.voiceId')} />
        ) : (
          <TextInput
            label="Voice id"
            description={`The id of a voice in your ${tts?.label ?? 'provider'} account.`}
            autoComplete="off"
            {...form.getInputProps('ttsConfig.voiceId')}
          />
        )}
        <TextInput
          label="Voice language"
          description="A BCP 47 tag, such as en-US or pt-BR."
          autoComplete="off"
          {...form.getInputProps('ttsConfig.language')}
        />
      </SimpleGrid>
      <Stack gap={4}>
        <Text id={speedId} size="sm" fw={500}>
          Speed: {values.ttsConfig.speed.toFixed(2)}×
        </Text>
        <Slider
          min={0.5}
          max={2}
          step={0.05}
          thumbLabel="Speed"
          thumbProps={{
            'aria-labelledby': speedId,
            'aria-valuetext': `${values.ttsConfig.speed.toFixed(2)} times`,
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
          value={values.ttsConfig.speed}
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
        value={values.ttsConfig.apiKey}
        onChange={(v) => form.setFieldValue('ttsConfig.apiKey', v)}
        onClear={() => clearKey('ttsConfig')}
        error={form.errors['ttsConfig.apiKey']}
      />
      <Divider />
      <Title order={3} size="h5">
        Speech to text
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
        <NativeSelect
          label="Speech-to-text provider"
          data={providers.stt.map((p) => ({ value: p.id, label: p.label }))}
          {...form.getInputProps('sttConfig.provider')}
          onChange={(e) => pickStt(e.currentTarget.value)}
        />
        <NativeSelect
          label="Speech-to-text model"
          data={stt?.models ?? []}
          {...form.getInputProps('sttConfig.model')}
        />
        <TextInput
          label="Transcription language"
          description="A BCP 47 tag, such as en-US."
          autoComplete="off"
          {...form.getInputProps('sttConfig.language')}
        />
      </SimpleGrid>
      <KeyField
        label="Speech-to-text key"
        state={agent.sttConfig?.apiKey}
        value={values.sttConfig.apiKey}
        onChange={(v) => form.setFieldValue('sttConfig.apiKey', v)}
        onClear={() => clearKey('sttConfig')}
        error={form.errors['sttConfig.apiKey']}
      />
      <SaveBar
        what="agent"
        stale={stale}
        onReload={reload}
        problem={problem}
        submit="Save speech configuration"
        pending={configure.isPending}
      />
    </FormCard>
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

/** Everything shown, nothing changed: for shared-in agents and for members who are not admins. */
function ReadOnlyAgent({ agent, providers }: { agent: Agent; providers: Providers | undefined }) {
  const ttsLabel = providers?.tts.find((p) => p.id === agent.ttsConfig?.provider)?.label;
  const sttLabel = providers?.stt.find((p) => p.id === agent.sttConfig?.provider)?.label;
  return (
    <Card withBorder>
      <Stack gap="md">
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <Field label="Type">{typeLabels[agent.type]}</Field>
          <Field label="Description">{agent.description ?? '—'}</Field>
          <Field label="Initial message">{agent.initialMessage ?? '—'}</Field>
          <Field label="Chatbot endpoint">{agent.chatbotEndpoint ?? '—'}</Field>
          <Field label="Chatbot key">{keyText(agent.chatbotKey)}</Field>
        </SimpleGrid>
        <Divider />
        <Title order={2} size="h4">
          Speech
        </Title>
        {agent.ttsConfig && agent.sttConfig ? (
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <Field label="Text to speech">
              {ttsLabel ?? agent.ttsConfig.provider}, {agent.ttsConfig.model}, voice {agent.ttsConfig.voiceId}
              , {agent.ttsConfig.speed}×, {agent.ttsConfig.language}
            </Field>
            <Field label="Text-to-speech key">{keyText(agent.ttsConfig.apiKey)}</Field>
            <Field label="Speech to text">
              {sttLabel ?? agent.sttConfig.provider}, {agent.sttConfig.model}, {agent.sttConfig.language}
            </Field>
            <Field label="Speech-to-text key">{keyText(agent.sttConfig.apiKey)}</Field>
          </SimpleGrid>
        ) : (
          <Text size="sm">Not configured.</Text>
        )}
      </Stack>
    </Card>
  );
}

/**
 * A browser test call: the API mints a short-lived LiveKit token for a room of its own with the
 * agent dispatched into it. The API's own message says when no LiveKit server is configured.
 */
function TestCall({ orgId, agent }: { orgId: string; agent: Agent }) {
  const format = useFormat();
  const start = useChange(createAgentSession);
  const session = start.data?.data;
  return (
    <Card withBorder component="section" aria-label="Test call">
      <Stack gap="sm">
        <Title order={2} size="h4">
          Test call
        </Title>
        <Text size="sm">Talk to the agent from this browser in a room of its own.</Text>
        <Button
          w="fit-content"
          leftSection={<IconPhoneCall size={16} />}
          loading={start.isPending}
          onClick={() => start.mutate({ params: { orgId, agentId: agent.id } })}
        >
          Start a test call
        </Button>
        <ProblemAlert error={start.error} title="No test call" />
        {session && (
          <Text size="sm" role="status" style={{ overflowWrap: 'anywhere' }}>
            Room {session.roomName} on {session.serverUrl} is ready; its token is valid until{' '}
            {format.time(session.expiresAt)}.
          </Text>
        )}
      </Stack>
    </Card>
  );
}

function AgentPage({ orgId, initial, role }: { orgId: string; initial: Result<Agent>; role: OrgRole }) {
  const agentId = initial.data.id;
  const query = useRoute(getAgent, { params: { orgId, agentId } });
  const providers = useRoute(listAgentProviders);
  const { base, adopt, reload, generation } = useEditBase(initial, query.refetch);
  const agent = base.data;
  const editable = !agent.shared && can(role, 'agents:update');
  const shared = { orgId, base, adopt, reload };
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
      {can(role, 'agents:call') && agent.status !== 'inactive' && <TestCall orgId={orgId} agent={agent} />}
      {editable ? (
        <>
          <DetailsForm key={`details-${generation}`} {...shared} />
          <Loaded query={{ ...providers, data: providers.data?.data }} rows={4}>
            {(p) => <SpeechForm key={`speech-${generation}`} {...shared} providers={p} />}
          </Loaded>
          <ModelForm key={`model-${generation}`} {...shared} />
          <AgentNumbers orgId={orgId} agent={agent} />
          {can(role, 'agents:share') && <Sharing orgId={orgId} agent={agent} />}
          {can(role, 'agents:delete') && <DeleteAgent orgId={orgId} agent={agent} />}
        </>
      ) : (
        <>
          <ReadOnlyAgent agent={agent} providers={providers.data?.data} />
          <ReadOnlyModel orgId={orgId} agent={agent} canChat={can(role, 'conversations:chat')} />
          {/* A shared-in agent answers no number of this org. */}
          {!agent.shared && <AgentNumbers orgId={orgId} agent={agent} />}
        </>
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
