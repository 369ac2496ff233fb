/**
 * The organization's knowledge bank: its entries (a table on desktops, cards on phones, a page at a
 * time, optionally one tag's), and "Test retrieval": the passages a question retrieves, ranked as
 * an agent answering it would get them, each saying which signal found it (its words, its meaning
 * through the embedding, or both).
 */
import { Badge, Button, Card, Group, NativeSelect, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconBook, IconFilterOff, IconPlus, IconSearch } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { listKnowledgeEntries, searchKnowledge } from '../../../../functions/api/routes/knowledge';
import {
  type FoundBy,
  type KnowledgeEntrySummary,
  KnowledgeSearchBody,
} from '../../../../functions/api/schemas/knowledge';
import { useAgentNames } from '../../app/agent-names';
import { useApiForm } from '../../app/forms';
import { useMyMembership } from '../../app/membership';
import { usePagedRoute } from '../../app/paging';
import { useSession } from '../../app/session';
import { useFormat } from '../../app/time';
import { Empty, Loaded, ProblemAlert } from '../../components/feedback';
import { NameLink, PageHeading } from '../../components/forms';
import { ResponsiveList } from '../../components/ResponsiveList';
import { AgentsLimitedTo } from './knowledge-parts';

const pageSize = 25;

function EntryLink({ orgId, entry }: { orgId: string; entry: { id: string; title: string } }) {
  return <NameLink to={`/orgs/${orgId}/knowledge/${entry.id}`}>{entry.title}</NameLink>;
}

/** An entry's tags, each a button that lists only that tag's entries. */
function Tags({ entry, onTag }: { entry: KnowledgeEntrySummary; onTag(tag: string): void }) {
  if (entry.tags.length === 0) return <Text size="sm">No tags</Text>;
  return (
    <Group gap={4} wrap="wrap">
      {entry.tags.map((t) => (
        <Badge
          key={t}
          component="button"
          type="button"
          variant="default"
          tt="none"
          miw="fit-content"
          style={{ cursor: 'pointer' }}
          onClick={() => onTag(t)}
          aria-label={`Only entries tagged ${t}`}
        >
          {t}
        </Badge>
      ))}
    </Group>
  );
}

function EntryList({ orgId, mayWrite }: { orgId: string; mayWrite: boolean }) {
  const format = useFormat();
  const agents = useAgentNames(orgId);
  const [tag, setTag] = useState('');
  const entries = usePagedRoute(listKnowledgeEntries, {
    params: { orgId },
    query: { limit: pageSize, tag: tag || undefined },
  });
  return (
    <Stack gap="sm">
      {tag && (
        <Group gap="xs" wrap="wrap">
          <Text size="sm">
            Entries tagged <strong>{tag}</strong>
          </Text>
          <Button
            variant="subtle"
            size="xs"
            leftSection={<IconFilterOff size={14} />}
            onClick={() => setTag('')}
          >
            All entries
          </Button>
        </Group>
      )}
      <Loaded query={{ ...entries, data: entries.items }}>
        {(items) =>
          items.length === 0 ? (
            <Empty
              icon={<IconBook size={28} />}
              title={tag ? `No entries tagged ${tag}` : 'No knowledge yet'}
              description={
                tag
                  ? 'Show all entries, or tag one with it.'
                  : mayWrite
                    ? 'Add the first entry: an article, an FAQ or a policy your agents answer from.'
                    : 'A manager of the organization adds the entries agents answer from.'
              }
              action={
                mayWrite &&
                !tag && (
                  <Button
                    component={Link}
                    to={`/orgs/${orgId}/knowledge/new`}
                    leftSection={<IconPlus size={16} />}
                  >
                    Add the first entry
                  </Button>
                )
              }
            />
          ) : (
            <ResponsiveList
              label="Knowledge entries"
              items={items}
              keyOf={(e) => e.id}
              paging={entries}
              card={(e) => (
                <>
                  <EntryLink orgId={orgId} entry={e} />
                  <Tags entry={e} onTag={setTag} />
                  <AgentsLimitedTo agentIds={e.agentIds} agents={agents} />
                  <Text size="sm" c="dimmed">
                    Changed {format.dateTime(e.updatedAt)}
                  </Text>
                </>
              )}
              columns={[
                { header: 'Title', cell: (e) => <EntryLink orgId={orgId} entry={e} /> },
                { header: 'Tags', cell: (e) => <Tags entry={e} onTag={setTag} /> },
                {
                  header: 'Agents',
                  cell: (e) => <AgentsLimitedTo agentIds={e.agentIds} agents={agents} />,
                },
                { header: 'Changed', cell: (e) => format.dateTime(e.updatedAt) },
              ]}
            />
          )
        }
      </Loaded>
    </Stack>
  );
}

/** Which signal found a passage, in words a bank's editor reads without knowing BM25. */
const foundByLabel: Record<FoundBy, string> = {
  lexical: 'Found by words',
  dense: 'Found by meaning',
  both: 'Found by words and meaning',
};

interface SearchValues extends Record<string, unknown> {
  query: string;
  agentId?: string;
}

function TestRetrieval({ orgId }: { orgId: string }) {
  const { api } = useSession();
  const agents = useAgentNames(orgId);
  // A search changes nothing: a mutation only because it is a POST run on request.
  const search = useMutation({
    mutationFn: (body: KnowledgeSearchBody) => api(searchKnowledge, { params: { orgId }, body }),
  });
  const { form, problem, run } = useApiForm<SearchValues>(KnowledgeSearchBody, {
    initialValues: { query: '', agentId: undefined },
  });
  const passages = search.data?.data.passages;
  const lexicalOnly = search.data?.data.dense === false;
  const chosen = agents.items.find((a) => a.id === form.getValues().agentId);
  return (
    <Card withBorder>
      <Stack gap="sm">
        <Title order={2} size="h4">
          Test retrieval
        </Title>
        <Text size="sm">
          The passages a question retrieves, best first, as an agent answering it would get them.
        </Text>
        <form
          aria-label="Test retrieval"
          onSubmit={run(async (values) => {
            await search.mutateAsync({ query: values.query, agentId: values.agentId, limit: 5 });
          })}
        >
          <Stack gap="sm">
            <Group gap="sm" align="flex-start" wrap="wrap">
              <TextInput
                label="Question"
                placeholder="How do I get a refund?"
                style={{ flex: '1 1 18rem' }}
                {...form.getInputProps('query')}
              />
              <NativeSelect
                label="As agent"
                data={[
                  { value: '', label: 'Any agent' },
                  ...agents.items.map((a) => ({
                    value: a.id,
                    label: a.shared ? `${a.name} (shared in)` : a.name,
                  })),
                ]}
                value={form.getValues().agentId ?? ''}
                description={
                  chosen?.shared
                    ? 'Shared in from another organization: it uses only entries limited to it by name, there and here.'
                    : undefined
                }
                error={form.errors.agentId}
                onChange={(e) => form.setFieldValue('agentId', e.currentTarget.value || undefined)}
                w={{ base: '100%', xs: 220 }}
              />
            </Group>
            <ProblemAlert error={problem} title="No search" />
            <Button
              type="submit"
              w="fit-content"
              leftSection={<IconSearch size={16} />}
              loading={search.isPending}
            >
              Search
            </Button>
          </Stack>
        </form>
        {passages && lexicalOnly && (
          <Text size="sm" c="dimmed" role="status">
            Searched by words only: the embedding model did not take part (not configured, no vectors yet, or
            unavailable just now).
          </Text>
        )}
        {passages &&
          (passages.length === 0 ? (
            <Text size="sm" role="status">
              No passage matches this question. Try other words, or add an entry that answers it.
            </Text>
          ) : (
            <Stack
              component="ol"
              gap="xs"
              aria-label="Retrieved passages"
              style={{ listStyle: 'none', padding: 0, margin: 0 }}
            >
              {passages.map((p, i) => (
                <Card key={`${p.entryId}/${p.chunk}`} component="li" withBorder padding="sm">
                  <Stack gap={4}>
                    <Group gap="xs" wrap="wrap" justify="space-between">
                      <Group gap="xs" wrap="wrap" style={{ minWidth: 0 }}>
                        {/* The list's own numbering is what screen readers announce. */}
                        <Text fw={700} aria-hidden>
                          {i + 1}.
                        </Text>
                        <EntryLink orgId={orgId} entry={{ id: p.entryId, title: p.title }} />
                      </Group>
                      <Group gap={6} wrap="wrap">
                        <Badge variant="default" tt="none" miw="fit-content">
                          {foundByLabel[p.foundBy]}
                        </Badge>
                        <Badge variant="default" tt="none" miw="fit-content">
                          Score {p.score.toFixed(2)}
                        </Badge>
                      </Group>
                    </Group>
                    {p.heading && (
                      <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
                        {p.heading}
                      </Text>
                    )}
                    <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                      {p.text}
                    </Text>
                  </Stack>
                </Card>
              ))}
            </Stack>
          ))}
      </Stack>
    </Card>
  );
}

export function Knowledge() {
  const { orgId } = useParams() as { orgId: string };
  const { membership, may } = useMyMembership(orgId);
  const mayWrite = may('knowledge:write');
  return (
    <Stack maw={1100} gap="lg">
      <PageHeading
        title="Knowledge"
        action={
          mayWrite && (
            <Button component={Link} to={`/orgs/${orgId}/knowledge/new`} leftSection={<IconPlus size={16} />}>
              New entry
            </Button>
          )
        }
      />
      <Loaded query={membership}>
        {() => (
          <>
            <EntryList orgId={orgId} mayWrite={mayWrite} />
            <TestRetrieval orgId={orgId} />
          </>
        )}
      </Loaded>
    </Stack>
  );
}
