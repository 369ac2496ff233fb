/**
 * A paged list of an org's things the way every list page shows them: a table on wider screens,
 * a card per item on phones (a table would scroll sideways there), and the next page on request.
 */
import { Card, Stack, Table } from '@mantine/core';
import type { ReactNode } from 'react';
import { usePhoneScreen } from '../app/screen';
import { LoadMore } from './feedback';

export interface Column<T> {
  /** A visually hidden header still names the column for screen readers (e.g. actions). */
  header: ReactNode;
  cell(item: T): ReactNode;
  align?: 'right';
}

export function ResponsiveList<T>({
  label,
  items,
  keyOf,
  columns,
  card,
  paging,
}: {
  /** The accessible name of the table or the card list. */
  label: string;
  items: T[];
  keyOf(item: T): string;
  columns: Column<T>[];
  /** A card's contents on phones, stacked. */
  card(item: T): ReactNode;
  paging: Parameters<typeof LoadMore>[0]['list'];
}) {
  const phone = usePhoneScreen();
  return (
    <Stack gap="sm">
      {phone ? (
        <Stack gap="xs" role="list" aria-label={label}>
          {items.map((item) => (
            <Card key={keyOf(item)} withBorder role="listitem" padding="sm">
              <Stack gap={6}>{card(item)}</Stack>
            </Card>
          ))}
        </Stack>
      ) : (
        <div className="table-scroll">
          <Table aria-label={label} verticalSpacing="sm" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                {columns.map((column, index) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: the columns are fixed per page
                  <Table.Th key={index}>{column.header}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((item) => (
                <Table.Tr key={keyOf(item)}>
                  {columns.map((column, index) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: the columns are fixed per page
                    <Table.Td key={index} ta={column.align}>
                      {column.cell(item)}
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </div>
      )}
      <LoadMore list={paging} />
    </Stack>
  );
}
