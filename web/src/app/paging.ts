/**
 * Paged lists (`{ items, nextCursor }`) read a page at a time with "Load more". The key is the
 * route's key plus 'pages', so a change in the org refreshes the pages loaded so far, and an
 * optimistic change can rewrite the cached items with `updatePagedItems`.
 */
import { type QueryClient, type QueryKey, useInfiniteQuery } from '@tanstack/react-query';
import type { ResultOf, RouteSpec } from '../../../functions/api/route';
import type { Input } from './api';
import { routeKey } from './queries';
import { useSession } from './session';

type PageOf<R extends RouteSpec> =
  ResultOf<R> extends { items: (infer T)[]; nextCursor?: string }
    ? { items: T[]; nextCursor?: string }
    : never;
export type ItemOf<R extends RouteSpec> = PageOf<R>['items'][number];

export const pagedKey = <R extends RouteSpec>(route: R, input: Input<R> = {}): QueryKey => [
  ...routeKey(route, input),
  'pages',
];

export function usePagedRoute<R extends RouteSpec>(route: R, input: Input<R> = {}) {
  const { api } = useSession();
  const query = useInfiniteQuery({
    queryKey: pagedKey(route, input),
    queryFn: async ({ pageParam }) => {
      const { data } = await api(route, {
        ...input,
        query: { ...input.query, cursor: pageParam } as Input<R>['query'],
      });
      return data as unknown as PageOf<R>;
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor,
  });
  const items = query.data?.pages.flatMap((p) => p.items as ItemOf<R>[]);
  return { ...query, items };
}

/** Rewrites the cached items of a paged list (for optimistic changes); returns the rollback. */
export function updatePagedItems<T>(
  client: QueryClient,
  key: QueryKey,
  update: (items: T[]) => T[],
): () => void {
  type Pages = { pages: { items: T[]; nextCursor?: string }[]; pageParams: unknown[] };
  const before = client.getQueryData<Pages>(key);
  void client.cancelQueries({ queryKey: key });
  if (before) {
    client.setQueryData<Pages>(key, {
      ...before,
      pages: before.pages.map((p) => ({ ...p, items: update(p.items) })),
    });
  }
  return () => client.setQueryData(key, before);
}
