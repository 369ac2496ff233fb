/**
 * The organization's conversations, newest first, optionally one agent's: who started each, on
 * which channel, how many messages and tokens, failed replies, and a link to continue it in the chat
 * console. Cards at every width, so nothing scrolls sideways on a phone.
 */
import { Anchor, Badge, Card, Group, NativeSelect, Stack, Text, Title } from '@mantine/core';
import { IconMessages } from '@tabler/icons-react';
import { Link, useParams, useSearchParams } from 'react-router';
import { listAgents } from '../../../../functions/api/routes/agents';
import { listConversations } from '../../../../functions/api/routes/conversations';
import { usePagedRoute } from '../../app/paging';
import { useRoute } from '../../app/queries';
import { useFormat } from '../../app/time';
import { Empty, Loaded, LoadMore } from '../../components/feedback';

export function Conversations() {
  const { orgId = '' } = useParams();
  const [search, setSearch] = useSearchParams();
  const agentId = search.get('agentId') ?? undefined;
  const agents = useRoute(listAgents, { params: { orgId }, query: { limit: 100 } });
  const list = usePagedRoute(listConversations, {
    params: { orgId },
    query: { limit: 25, ...(agentId ? { agentId } : {}) },
  });
  const { dateTime } = useFormat();
  const names = new Map((agents.data?.data.items ?? []).map((a) => [a.id, a.name]));

  return (
    <Stack gap="md">
      <Title order={1}>Conversations</Title>
      <NativeSelect
        label="Agent"
        data={[{ value: '', label: 'All agents' }, ...[...names].map(([value, label]) => ({ value, label }))]}
        value={agentId ?? ''}
        onChange={(e) =>
          setSearch(e.currentTarget.value ? { agentId: e.currentTarget.value } : {}, { replace: true })
        }
        maw={360}
      />
      <Loaded query={{ ...list, data: list.items }}>
        {(items) =>
          items.length === 0 ? (
            <Empty
              icon={<IconMessages size={28} />}
              title="No conversations yet"
              description="Conversations appear here when someone chats with an agent, in the chat console or through the API."
              action={
                <Anchor component={Link} to={`/orgs/${orgId}/chat`}>
                  Open the chat console
                </Anchor>
              }
            />
          ) : (
            <Stack gap="sm" role="list" aria-label="Conversations">
              {items.map((c) => (
                <Card key={c.id} withBorder padding="sm" role="listitem">
                  <Group justify="space-between" gap="sm" wrap="wrap">
                    <Stack gap={2} miw={0}>
                      <Anchor
                        component={Link}
                        to={`/orgs/${orgId}/chat?agentId=${c.agentId}&conversationId=${c.id}`}
                        fw={600}
                      >
                        {names.get(c.agentId) ?? 'Agent'} · {dateTime(c.createdAt)}
                      </Anchor>
                      <Text size="sm" c="dimmed">
                        {c.contact?.name ??
                          c.contact?.email ??
                          (c.createdBy.kind === 'apiClient' ? 'API client' : 'Member')}
                        {` · ${c.messageCount} messages · ${(c.inputTokens + c.outputTokens).toLocaleString()} tokens`}
                      </Text>
                    </Stack>
                    <Group gap="xs">
                      <Badge variant="light">{c.channel}</Badge>
                      {c.failedCount > 0 && (
                        <Badge color="red" variant="light">
                          {c.failedCount} failed
                        </Badge>
                      )}
                    </Group>
                  </Group>
                </Card>
              ))}
              <LoadMore list={list} />
            </Stack>
          )
        }
      </Loaded>
    </Stack>
  );
}
