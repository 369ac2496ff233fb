/**
 * One prompt: its latest version (edited by admins: every save writes the next version, sent with
 * If-Match so a change someone made meanwhile is never overwritten), the agents using it, its
 * version history with a line diff between any two versions, and deletion (refused by the API
 * while agents use it). Everyone else reads it.
 */
import {
  Alert,
  Anchor,
  Badge,
  Box,
  Button,
  Card,
  Code,
  Group,
  NativeSelect,
  Stack,
  Text,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { IconGitCompare, IconInfoCircle, IconPrompt } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { can, type OrgRole } from '../../../../functions/api/permissions';
import {
  deletePrompt,
  getPrompt,
  listPromptVersions,
  updatePrompt,
} from '../../../../functions/api/routes/prompts';
import type { AuditActor } from '../../../../functions/api/schemas/audit';
import { type Prompt, type PromptVersion, UpdatePromptBody } from '../../../../functions/api/schemas/prompts';
import { useAgentNames } from '../../app/agent-names';
import type { Result } from '../../app/api';
import { type DiffLine, diffLines, diffStats } from '../../app/diff';
import { useApiForm } from '../../app/forms';
import { usePagedRoute } from '../../app/paging';
import { useChange, useRoute } from '../../app/queries';
import { useFormat } from '../../app/time';
import { DangerCard, OrgResource, SaveBar, useEditBase, useSaveOverBase } from '../../components/editing';
import { announceDone, Loaded, LoadMore, ProblemAlert } from '../../components/feedback';
import { FormCard } from '../../components/forms';
import { monospace, PromptFields, type PromptValues, usedByText } from './prompt-parts';

/** The prompt's name in the breadcrumbs, from the cache the page fills. */
function PromptName({ orgId, promptId }: { orgId: string; promptId: string }) {
  const prompt = useRoute(getPrompt, { params: { orgId, promptId } });
  return <>{prompt.data?.data.name ?? 'Prompt'}</>;
}

export const handle = {
  crumb: ({ orgId, promptId }: { orgId?: string; promptId?: string }) => (
    <PromptName orgId={orgId!} promptId={promptId!} />
  ),
};

const authorName = (author: AuditActor) => ('email' in author ? author.email : `API client ${author.name}`);

const valuesOf = (prompt: Prompt): PromptValues => ({
  name: prompt.name,
  description: prompt.description,
  text: prompt.text,
  note: '',
});

interface Shared {
  orgId: string;
  base: Result<Prompt>;
  adopt(result: Result<Prompt>): void;
  reload(): void;
}

function EditForm({ orgId, base, adopt, reload }: Shared) {
  const prompt = base.data;
  const update = useChange(updatePrompt, { orgId });
  const { form, problem, run } = useApiForm<PromptValues>(UpdatePromptBody, {
    initialValues: valuesOf(prompt),
  });
  const { stale, setStale, save } = useSaveOverBase(form, adopt, valuesOf);
  return (
    <FormCard
      label="Edit the prompt"
      title="Edit"
      onSubmit={run(async ({ note, ...submitted }) => {
        setStale(false);
        const body: UpdatePromptBody = Object.fromEntries(
          (['name', 'description', 'text'] as const)
            .filter((n) => submitted[n] !== prompt[n])
            .map((n) => [n, submitted[n]]),
        );
        if (Object.keys(body).length === 0) {
          announceDone('Nothing to save: the prompt is unchanged.');
          return;
        }
        if (note) body.note = note;
        await save(
          () =>
            update.mutateAsync({
              params: { orgId, promptId: prompt.id },
              body,
              etag: base.etag,
            }),
          (saved) => `Saved as version ${saved.version}.`,
        );
      })}
    >
      <Text size="sm" c="dimmed">
        Saving writes version {prompt.version + 1}; earlier versions never change, and agents pinned to one
        keep it.
      </Text>
      <PromptFields form={form} editing />
      <SaveBar
        what="prompt"
        stale={stale}
        onReload={reload}
        problem={problem}
        submit="Save new version"
        pending={update.isPending}
      />
    </FormCard>
  );
}

function ReadOnlyPrompt({ prompt }: { prompt: Prompt }) {
  return (
    <Card withBorder>
      <Stack gap="sm">
        <Title order={2} size="h4">
          Text
        </Title>
        {prompt.description && <Text size="sm">{prompt.description}</Text>}
        <Code block style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
          {prompt.text}
        </Code>
      </Stack>
    </Card>
  );
}

function UsedBy({ orgId, prompt }: { orgId: string; prompt: Prompt }) {
  const agents = useAgentNames(orgId);
  if (prompt.agentIds.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No agents use this prompt.
      </Text>
    );
  }
  return (
    <Group gap="xs" wrap="wrap">
      <Text size="sm">Used by</Text>
      {prompt.agentIds.map((id) => (
        <Anchor key={id} component={Link} to={`/orgs/${orgId}/agents/${id}`} size="sm">
          {agents.nameOf(id, id)}
        </Anchor>
      ))}
    </Group>
  );
}

const markers = { added: '+', removed: '−', same: ' ' } as const;
const spoken = { added: 'Added: ', removed: 'Removed: ', same: '' } as const;
/** Mantine's light variants: pale in the light theme, dark in the dark one, so the text reads on both. */
const backgrounds = {
  added: 'var(--mantine-color-green-light)',
  removed: 'var(--mantine-color-red-light)',
  same: undefined,
} as const;
/** Unchanged lines kept around each change; longer unchanged runs fold to one line. */
const context = 3;

type Shown = DiffLine | { kind: 'folded'; count: number; key: string };

function folded(diff: DiffLine[]): Shown[] {
  const shown: Shown[] = [];
  let i = 0;
  while (i < diff.length) {
    if (diff[i]!.kind !== 'same') {
      shown.push(diff[i]!);
      i += 1;
      continue;
    }
    let end = i;
    while (end < diff.length && diff[end]!.kind === 'same') end += 1;
    const keepBefore = i === 0 ? 0 : context;
    const keepAfter = end === diff.length ? 0 : context;
    if (end - i > keepBefore + keepAfter + 1) {
      shown.push(...diff.slice(i, i + keepBefore));
      shown.push({ kind: 'folded', count: end - i - keepBefore - keepAfter, key: `fold-${i}` });
      shown.push(...diff.slice(end - keepAfter, end));
    } else {
      shown.push(...diff.slice(i, end));
    }
    i = end;
  }
  return shown;
}

const lineKey = (line: DiffLine) =>
  line.kind === 'added'
    ? `a${line.newLine}`
    : line.kind === 'removed'
      ? `r${line.oldLine}`
      : `s${line.oldLine}`;

function DiffView({ from, to }: { from: PromptVersion; to: PromptVersion }) {
  const diff = diffLines(from.text, to.text);
  const stats = diffStats(diff);
  const title = `Changes from version ${from.version} to version ${to.version}`;
  return (
    <Stack gap="xs" role="region" aria-label={title}>
      <Text size="sm" fw={500}>
        {title}: {stats.added} {stats.added === 1 ? 'line' : 'lines'} added, {stats.removed} removed
        {from.name !== to.name && `; renamed from “${from.name}” to “${to.name}”`}
      </Text>
      {stats.added + stats.removed === 0 ? (
        <Text size="sm">The text of the two versions is the same.</Text>
      ) : (
        <Box
          style={{
            ...monospace,
            fontSize: 'var(--mantine-font-size-sm)',
            border: '1px solid var(--mantine-color-default-border)',
            borderRadius: 'var(--mantine-radius-sm)',
          }}
        >
          {folded(diff).map((line) =>
            line.kind === 'folded' ? (
              <Text key={line.key} size="xs" px="xs" py={2} bg="var(--mantine-color-gray-1)">
                … {line.count} unchanged {line.count === 1 ? 'line' : 'lines'}
              </Text>
            ) : (
              <Box
                key={lineKey(line)}
                data-diff={line.kind}
                px="xs"
                style={{
                  display: 'flex',
                  gap: 8,
                  background: backgrounds[line.kind],
                  whiteSpace: 'pre-wrap',
                  overflowWrap: 'anywhere',
                }}
              >
                <span aria-hidden style={{ flex: '0 0 1ch', fontWeight: 700 }}>
                  {markers[line.kind]}
                </span>
                <span style={{ minWidth: 0 }}>
                  <VisuallyHidden>{spoken[line.kind]}</VisuallyHidden>
                  {line.text || '\u00a0'}
                </span>
              </Box>
            ),
          )}
        </Box>
      )}
    </Stack>
  );
}

function History({ orgId, prompt }: { orgId: string; prompt: Prompt }) {
  const format = useFormat();
  const versions = usePagedRoute(listPromptVersions, {
    params: { orgId, promptId: prompt.id },
    query: { limit: 10 },
  });
  // Unchosen, the comparison is the latest change: the version before the newest, and the newest.
  const [chosen, setChosen] = useState<{ from?: number; to?: number }>({});
  const items = versions.items ?? [];
  const byNumber = new Map(items.map((v) => [v.version, v]));
  const newest = items[0]?.version;
  const to = byNumber.get(chosen.to ?? newest ?? 0);
  const from = byNumber.get(chosen.from ?? (to ? to.version - 1 : 0));
  const options = items.map((v) => ({ value: String(v.version), label: `Version ${v.version}` }));
  const compare = (fromVersion: number, toVersion: number) => setChosen({ from: fromVersion, to: toVersion });
  return (
    <Card withBorder>
      <Stack gap="sm">
        <Title order={2} size="h4">
          Version history
        </Title>
        <Loaded query={{ ...versions, data: versions.items }}>
          {(list) => (
            <Stack gap="sm">
              <Stack gap={0} role="list" aria-label="Versions">
                {list.map((v, i) => (
                  <Group
                    key={v.version}
                    role="listitem"
                    justify="space-between"
                    wrap="wrap"
                    gap="xs"
                    py="xs"
                    style={i > 0 ? { borderTop: '1px solid var(--mantine-color-default-border)' } : undefined}
                  >
                    <Stack gap={2} style={{ minWidth: 0, flex: '1 1 16rem' }}>
                      <Group gap="xs" wrap="wrap">
                        <Text fw={600}>Version {v.version}</Text>
                        {v.version === prompt.version && (
                          <Badge variant="filled" color="teal.9" tt="none" miw="fit-content">
                            Latest
                          </Badge>
                        )}
                      </Group>
                      <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
                        {authorName(v.author)} · {format.dateTime(v.createdAt)}
                      </Text>
                      {v.note && (
                        <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                          {v.note}
                        </Text>
                      )}
                    </Stack>
                    {v.version > 1 && byNumber.has(v.version - 1) && (
                      <Button
                        variant="subtle"
                        size="xs"
                        leftSection={<IconGitCompare size={14} />}
                        onClick={() => compare(v.version - 1, v.version)}
                        aria-label={`Changes in version ${v.version}`}
                      >
                        Changes
                      </Button>
                    )}
                  </Group>
                ))}
              </Stack>
              <LoadMore list={versions} />
            </Stack>
          )}
        </Loaded>
        {items.length > 1 && (
          <Stack gap="sm">
            <Title order={3} size="h5">
              Compare versions
            </Title>
            <Group gap="sm" align="flex-end" wrap="wrap">
              <NativeSelect
                label="From version"
                data={options}
                value={from ? String(from.version) : ''}
                onChange={(e) => setChosen({ to: to?.version, from: Number(e.currentTarget.value) })}
                w={{ base: '100%', xs: 160 }}
              />
              <NativeSelect
                label="To version"
                data={options}
                value={to ? String(to.version) : ''}
                onChange={(e) => setChosen({ from: from?.version, to: Number(e.currentTarget.value) })}
                w={{ base: '100%', xs: 160 }}
              />
            </Group>
            {from && to && <DiffView from={from} to={to} />}
          </Stack>
        )}
      </Stack>
    </Card>
  );
}

function DeletePrompt({ orgId, prompt }: { orgId: string; prompt: Prompt }) {
  const navigate = useNavigate();
  const remove = useChange(deletePrompt, {
    orgId,
    onSuccess: () => {
      announceDone(`Prompt ${prompt.name} deleted.`);
      navigate(`/orgs/${orgId}/prompts`);
    },
  });
  return (
    <DangerCard
      explanation="Deleting removes the prompt and all its versions. It is refused while agents use it: point them at another prompt first."
      label="Delete prompt"
      message={`Delete ${prompt.name} and its ${prompt.version} ${prompt.version === 1 ? 'version' : 'versions'}? This cannot be undone.`}
      pending={remove.isPending}
      onConfirm={() => remove.mutate({ params: { orgId, promptId: prompt.id } })}
    >
      <ProblemAlert error={remove.error} title="Prompt not deleted" />
    </DangerCard>
  );
}

function PromptPage({ orgId, initial, role }: { orgId: string; initial: Result<Prompt>; role: OrgRole }) {
  const query = useRoute(getPrompt, { params: { orgId, promptId: initial.data.id } });
  const { base, adopt, reload, generation } = useEditBase(initial, query.refetch);
  const prompt = base.data;
  const editable = can(role, 'prompts:write');
  return (
    <Stack maw={900} gap="lg">
      <Stack gap={6}>
        <Group gap="sm" wrap="wrap">
          <Title order={1} size="h2" style={{ overflowWrap: 'anywhere' }}>
            {prompt.name}
          </Title>
          <Badge variant="default" tt="none" miw="fit-content">
            Version {prompt.version}
          </Badge>
          <Badge variant="light" color="gray" tt="none" miw="fit-content">
            {usedByText(prompt.agentIds.length)}
          </Badge>
        </Group>
        <UsedBy orgId={orgId} prompt={prompt} />
      </Stack>
      {editable ? (
        <EditForm key={generation} orgId={orgId} base={base} adopt={adopt} reload={reload} />
      ) : (
        <>
          <Alert variant="light" icon={<IconInfoCircle size={18} />} title="Read-only">
            Only admins of the organization change prompts.
          </Alert>
          <ReadOnlyPrompt prompt={prompt} />
        </>
      )}
      <History orgId={orgId} prompt={prompt} />
      {editable && <DeletePrompt orgId={orgId} prompt={prompt} />}
    </Stack>
  );
}

export function PromptDetail() {
  const { orgId, promptId } = useParams() as { orgId: string; promptId: string };
  const prompt = useRoute(getPrompt, { params: { orgId, promptId } });
  return (
    <OrgResource
      orgId={orgId}
      query={prompt}
      missing={{
        icon: <IconPrompt size={28} />,
        title: 'No such prompt',
        back: 'Back to prompts',
        to: `/orgs/${orgId}/prompts`,
      }}
    >
      {(loaded, role) => (
        <PromptPage key={`${orgId}/${promptId}`} orgId={orgId} initial={loaded} role={role} />
      )}
    </OrgResource>
  );
}
