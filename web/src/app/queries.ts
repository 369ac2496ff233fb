/**
 * Server state through TanStack Query, keyed by route and input so every screen that shows the
 * same data shares one cache entry. Org-scoped keys start with the org, so a change in an org can
 * refresh everything shown of it in one call.
 */
import { type QueryKey, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ResultOf, RouteSpec } from '../../../functions/api/route';
import type { Input, Result } from './api';
import { useSession } from './session';

export function routeKey<R extends RouteSpec>(route: R, input: Input<R> = {}): QueryKey {
  const orgId = (input.params as { orgId?: string } | undefined)?.orgId;
  const rest = [route.operationId, input.params ?? {}, input.query ?? {}];
  return orgId ? ['org', orgId, ...rest] : rest;
}

export const orgKey = (orgId: string): QueryKey => ['org', orgId];

/** A GET route's data (and its ETag, for If-Match on the next change). */
export function useRoute<R extends RouteSpec>(route: R, input: Input<R> = {}, enabled = true) {
  const { api } = useSession();
  return useQuery({
    queryKey: routeKey(route, input),
    queryFn: () => api(route, input),
    enabled,
  });
}

/** A change through a route; afterwards everything cached of the org (or all, outside an org) reloads. */
export function useChange<R extends RouteSpec>(
  route: R,
  options: {
    orgId?: string;
    onSuccess?: (result: Result<ResultOf<R>>, input: Input<R>) => void;
    onMutate?: (input: Input<R>) => (() => void) | undefined;
  } = {},
) {
  const { api } = useSession();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: Input<R>) => api(route, input),
    onMutate: (input) => ({ rollback: options.onMutate?.(input) }),
    onError: (_error, _input, context) => context?.rollback?.(),
    onSuccess: (result, input) => options.onSuccess?.(result, input),
    // Not awaited: a mutation kept pending until the reload ends would finish after the reloaded
    // list dropped the row that started it (a delete), and TanStack skips the callbacks given to
    // mutate() once their component is gone, so "deleted" would sometimes never be said.
    onSettled: () => {
      void client.invalidateQueries(options.orgId ? { queryKey: orgKey(options.orgId) } : {});
    },
  });
}
