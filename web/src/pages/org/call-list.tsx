/** A page of calls as cards: the org's with the Calls page's filter, or one agent's (its Calls tab). */
import { IconPhoneCall } from '@tabler/icons-react';
import { listCalls } from '../../../../functions/api/routes/calls';
import type { CallOutcome } from '../../../../functions/api/schemas/calls';
import { useAgentNames } from '../../app/agent-names';
import { usePagedRoute } from '../../app/paging';
import { useFormat } from '../../app/time';
import { Empty } from '../../components/feedback';
import { PagedCardList } from '../../components/PagedCardList';
import { CallCard } from './call-parts';

export function CallList({
  orgId,
  filter,
}: {
  orgId: string;
  filter: { agentId?: string; day?: string; outcome?: CallOutcome };
}) {
  const agents = useAgentNames(orgId);
  const { dateTime } = useFormat();
  const list = usePagedRoute(listCalls, { params: { orgId }, query: { limit: 25, ...filter } });
  return (
    <PagedCardList
      list={list}
      label="Calls"
      empty={
        <Empty
          icon={<IconPhoneCall size={28} />}
          title="No calls here yet"
          description="A call appears here when someone calls an agent's number or places a test call from the agent's Calls tab."
        />
      }
      keyOf={(c) => c.id}
      card={(c) => (
        <CallCard
          orgId={orgId}
          call={c}
          agentName={agents.nameOf(c.agentId, 'Agent')}
          when={dateTime(c.startedAt)}
        />
      )}
    />
  );
}
