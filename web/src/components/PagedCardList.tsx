/**
 * A paged list shown as a card per item at every width (for lists whose items do not fit table
 * columns), with what to say when it is empty and the next page on request.
 */
import { Card, Stack } from '@mantine/core';
import type { ReactNode } from 'react';
import { Loaded, LoadMore } from './feedback';

export function PagedCardList<T>({
  list,
  label,
  ordered,
  rows,
  empty,
  keyOf,
  card,
}: {
  /** A paged query (`usePagedRoute`). */
  list: Parameters<typeof LoadMore>[0]['list'] & {
    items?: T[];
    error: unknown;
    isPending: boolean;
    refetch(): unknown;
  };
  /** The list's accessible name. */
  label: string;
  /** Numbered for screen readers, where the order means something (newest first). */
  ordered?: boolean;
  /** Skeleton rows while the first page loads. */
  rows?: number;
  empty: ReactNode;
  keyOf(item: T): string;
  /** A card's contents. */
  card(item: T): ReactNode;
}) {
  return (
    <Loaded query={{ ...list, data: list.items }} rows={rows}>
      {(items) =>
        items.length === 0 ? (
          empty
        ) : (
          <Stack gap="sm">
            <Stack
              gap="xs"
              component={ordered ? 'ol' : 'ul'}
              aria-label={label}
              p={0}
              m={0}
              style={{ listStyle: 'none' }}
            >
              {items.map((item) => (
                <Card key={keyOf(item)} component="li" withBorder padding="sm">
                  {card(item)}
                </Card>
              ))}
            </Stack>
            <LoadMore list={list} />
          </Stack>
        )
      }
    </Loaded>
  );
}
