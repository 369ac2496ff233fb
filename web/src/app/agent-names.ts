/**
 * The org's agents (its own and shared-in ones, the first 100) by id: their names where a page
 * shows an agent id, and the options of agent pickers.
 */
import { listAgents } from '../../../functions/api/routes/agents';
import { useRoute } from './queries';

export function useAgentNames(orgId: string) {
  const agents = useRoute(listAgents, { params: { orgId }, query: { limit: 100 } });
  const items = agents.data?.data.items ?? [];
  const names = new Map(items.map((a) => [a.id, a.name]));
  return {
    items,
    options: items.map((a) => ({ value: a.id, label: a.name })),
    /**
     * `fallback` stands for an agent not in the list (deleted, beyond the first 100, or not loaded
     * yet); pages word it differently.
     */
    nameOf: <F extends string | undefined>(id: string, fallback: F): string | F => names.get(id) ?? fallback,
    loading: agents.isPending,
  };
}

export type AgentNames = ReturnType<typeof useAgentNames>;
