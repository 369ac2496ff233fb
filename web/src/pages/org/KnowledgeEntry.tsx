/**
 * One knowledge entry: the editor (title, Markdown content against the API's 100 KB, tags, the
 * agents it is limited to) for managers and up, saving with If-Match so a change someone made
 * meanwhile is never overwritten, and deletion; everyone else reads it. `NewKnowledgeEntry` is
 * the same editor creating one.
 */
import { Alert, Card, Code, Stack, Text, Title } from '@mantine/core';
import { IconBook, IconInfoCircle, IconPlus } from '@tabler/icons-react';
import { useNavigate, useParams } from 'react-router';
import { can, type OrgRole } from '../../../../functions/api/permissions';
import {
  createKnowledgeEntry,
  deleteKnowledgeEntry,
  getKnowledgeEntry,
  updateKnowledgeEntry,
} from '../../../../functions/api/routes/knowledge';
import {
  CreateKnowledgeBody,
  type KnowledgeEntry as Entry,
  UpdateKnowledgeBody,
} from '../../../../functions/api/schemas/knowledge';
import { useAgentNames } from '../../app/agent-names';
import type { Result } from '../../app/api';
import { useApiForm } from '../../app/forms';
import { useChange, useRoute } from '../../app/queries';
import { useFormat } from '../../app/time';
import { DangerCard, OrgResource, SaveBar, useEditBase, useSaveOverBase } from '../../components/editing';
import { announceDone, announceFailure, ProblemAlert } from '../../components/feedback';
import { FormActions, FormCard } from '../../components/forms';
import { AgentsLimitedTo, EntryFields, type EntryValues, TagBadges } from './knowledge-parts';

function EntryTitle({ orgId, entryId }: { orgId: string; entryId: string }) {
  const entry = useRoute(getKnowledgeEntry, { params: { orgId, entryId } });
  return <>{entry.data?.data.title ?? 'Entry'}</>;
}

export const handle = {
  crumb: ({ orgId, entryId }: { orgId?: string; entryId?: string }) => (
    <EntryTitle orgId={orgId!} entryId={entryId!} />
  ),
};

const fields = ['title', 'content', 'tags', 'agentIds'] as const;

const valuesOf = (entry: Entry): EntryValues => ({
  title: entry.title,
  content: entry.content,
  tags: entry.tags,
  agentIds: entry.agentIds,
});

export function NewKnowledgeEntry() {
  const { orgId } = useParams() as { orgId: string };
  const navigate = useNavigate();
  const create = useChange(createKnowledgeEntry, { orgId });
  const { form, problem, run } = useApiForm<EntryValues>(CreateKnowledgeBody, {
    initialValues: { title: '', content: '', tags: [], agentIds: [] },
  });
  return (
    <Stack maw={900} gap="lg">
      <Title order={1} size="h2">
        New knowledge entry
      </Title>
      <FormCard
        label="Create a knowledge entry"
        onSubmit={run(async (values) => {
          const { data } = await create.mutateAsync({ params: { orgId }, body: values });
          announceDone(`Entry ${data.title} added; agents find it from now on.`);
          navigate(`/orgs/${orgId}/knowledge/${data.id}`);
        })}
      >
        <EntryFields form={form} orgId={orgId} />
        <ProblemAlert error={problem} />
        <FormActions
          submit="Add entry"
          icon={<IconPlus size={16} />}
          pending={create.isPending}
          onCancel={() => navigate(`/orgs/${orgId}/knowledge`)}
        />
      </FormCard>
    </Stack>
  );
}

interface Shared {
  orgId: string;
  base: Result<Entry>;
  adopt(result: Result<Entry>): void;
  reload(): void;
}

function EditForm({ orgId, base, adopt, reload }: Shared) {
  const entry = base.data;
  const update = useChange(updateKnowledgeEntry, { orgId });
  const { form, problem, run } = useApiForm<EntryValues>(UpdateKnowledgeBody, {
    initialValues: valuesOf(entry),
  });
  const { stale, setStale, save } = useSaveOverBase(form, adopt, valuesOf);
  return (
    <FormCard
      label="Edit the entry"
      onSubmit={run(async (submitted) => {
        setStale(false);
        const body: UpdateKnowledgeBody = Object.fromEntries(
          fields
            .filter((n) => JSON.stringify(submitted[n]) !== JSON.stringify(entry[n]))
            .map((n) => [n, submitted[n]]),
        );
        if (Object.keys(body).length === 0) {
          announceDone('Nothing to save: the entry is unchanged.');
          return;
        }
        await save(
          () =>
            update.mutateAsync({
              params: { orgId, entryId: entry.id },
              body,
              etag: base.etag,
            }),
          'Entry saved; the next search uses it.',
        );
      })}
    >
      <EntryFields form={form} orgId={orgId} />
      <SaveBar
        what="entry"
        stale={stale}
        onReload={reload}
        problem={problem}
        submit="Save entry"
        pending={update.isPending}
      />
    </FormCard>
  );
}

function ReadOnlyEntry({ orgId, entry }: { orgId: string; entry: Entry }) {
  const agents = useAgentNames(orgId);
  return (
    <Card withBorder>
      <Stack gap="sm">
        <TagBadges tags={entry.tags} />
        <AgentsLimitedTo agentIds={entry.agentIds} agents={agents} />
        <Code block style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
          {entry.content}
        </Code>
      </Stack>
    </Card>
  );
}

function DeleteEntry({ orgId, entry }: { orgId: string; entry: Entry }) {
  const navigate = useNavigate();
  const remove = useChange(deleteKnowledgeEntry, {
    orgId,
    onSuccess: () => {
      announceDone(`Entry ${entry.title} deleted.`);
      navigate(`/orgs/${orgId}/knowledge`);
    },
  });
  return (
    <DangerCard
      explanation="Deleting takes the entry out of every search at once."
      label="Delete entry"
      message={`Delete ${entry.title}? Agents no longer answer from it. This cannot be undone.`}
      pending={remove.isPending}
      onConfirm={() =>
        remove.mutate(
          { params: { orgId, entryId: entry.id } },
          { onError: (error) => announceFailure('Entry not deleted', error) },
        )
      }
    />
  );
}

function EntryPage({ orgId, initial, role }: { orgId: string; initial: Result<Entry>; role: OrgRole }) {
  const format = useFormat();
  const query = useRoute(getKnowledgeEntry, { params: { orgId, entryId: initial.data.id } });
  const { base, adopt, reload, generation } = useEditBase(initial, query.refetch);
  const entry = base.data;
  const editable = can(role, 'knowledge:write');
  return (
    <Stack maw={900} gap="lg">
      <Stack gap={4}>
        <Title order={1} size="h2" style={{ overflowWrap: 'anywhere' }}>
          {entry.title}
        </Title>
        <Text size="sm" c="dimmed">
          Changed {format.dateTime(entry.updatedAt)} · {entry.chunkCount}{' '}
          {entry.chunkCount === 1 ? 'passage' : 'passages'} searched
        </Text>
      </Stack>
      {editable ? (
        <>
          <EditForm key={generation} orgId={orgId} base={base} adopt={adopt} reload={reload} />
          <DeleteEntry orgId={orgId} entry={entry} />
        </>
      ) : (
        <>
          <Alert variant="light" icon={<IconInfoCircle size={18} />} title="Read-only">
            Managers and admins of the organization change the knowledge bank.
          </Alert>
          <ReadOnlyEntry orgId={orgId} entry={entry} />
        </>
      )}
    </Stack>
  );
}

export function KnowledgeEntry() {
  const { orgId, entryId } = useParams() as { orgId: string; entryId: string };
  const entry = useRoute(getKnowledgeEntry, { params: { orgId, entryId } });
  return (
    <OrgResource
      orgId={orgId}
      query={entry}
      missing={{
        icon: <IconBook size={28} />,
        title: 'No such entry',
        back: 'Back to knowledge',
        to: `/orgs/${orgId}/knowledge`,
      }}
    >
      {(loaded, role) => <EntryPage key={`${orgId}/${entryId}`} orgId={orgId} initial={loaded} role={role} />}
    </OrgResource>
  );
}
