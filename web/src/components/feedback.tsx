/** How every screen says "loading", "failed", "nothing here yet" and "done". */
import { Alert, Button, EmptyState, Skeleton, Stack } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertCircle, IconCheck } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { ApiError, problemText } from '../app/api';

export function ProblemAlert({ error, title = 'That did not work' }: { error: unknown; title?: string }) {
  if (!error) return null;
  return (
    <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} title={title} role="alert">
      {typeof error === 'string' ? error : problemText(error)}
    </Alert>
  );
}

export function Loading({ rows = 3, label = 'Loading' }: { rows?: number; label?: string }) {
  return (
    <Stack gap="sm" role="status" aria-busy="true" aria-label={label}>
      {Array.from({ length: rows }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity
        <Skeleton key={i} height={36} radius="sm" />
      ))}
    </Stack>
  );
}

export function Empty({
  title,
  description,
  icon,
  action,
}: {
  title: string;
  description: ReactNode;
  icon: ReactNode;
  action?: ReactNode;
}) {
  return (
    <EmptyState title={title} description={description} icon={icon} withIndicatorBackground py="xl">
      {action}
    </EmptyState>
  );
}

/**
 * Whether asking again can change the answer: not for a refusal (a suspended organization, a
 * missing page, a role that may not), only for failures, timeouts and rate limits.
 */
function retryable(error: unknown): boolean {
  if (!(error instanceof ApiError)) return true;
  const { status } = error.problem;
  return status >= 500 || status === 408 || status === 429;
}

/** Shows a query's loading and error states, or its content once there is data. */
export function Loaded<T>({
  query,
  children,
  rows,
}: {
  query: { data?: T; error: unknown; isPending: boolean; refetch(): unknown };
  children: (data: T) => ReactNode;
  rows?: number;
}) {
  if (query.error) {
    return (
      <Stack gap="sm">
        <ProblemAlert error={query.error} title="Could not load this" />
        {retryable(query.error) && (
          <Button variant="light" w="fit-content" onClick={() => query.refetch()}>
            Try again
          </Button>
        )}
      </Stack>
    );
  }
  if (query.isPending || query.data === undefined) return <Loading rows={rows} />;
  return <>{children(query.data)}</>;
}

const dismissable = { closeButtonProps: { 'aria-label': 'Dismiss' } };

export function announceDone(message: string) {
  notifications.show({
    message,
    color: 'teal',
    icon: <IconCheck size={18} />,
    autoClose: 4000,
    ...dismissable,
  });
}

/**
 * A change that failed away from any form: the API's own detail, under what did not happen. With
 * an `id`, a notice already showing under it is not shown twice.
 */
export function announceFailure(title: string, error: unknown, id?: string) {
  notifications.show({
    id,
    title,
    message: problemText(error),
    color: 'red',
    icon: <IconAlertCircle size={18} />,
    autoClose: 8000,
    // Mantine dims a titled notification's text to gray 6 (3.3:1 on white); this text is the point.
    styles: { description: { color: 'var(--mantine-color-text)' } },
    ...dismissable,
  });
}

/** The next page of a paged list, on request. */
export function LoadMore({
  list,
}: {
  list: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage(): unknown };
}) {
  if (!list.hasNextPage) return null;
  return (
    <Button
      variant="light"
      w="fit-content"
      loading={list.isFetchingNextPage}
      onClick={() => list.fetchNextPage()}
    >
      Load more
    </Button>
  );
}
