/** What the dashboard's sections share: a titled chart card and a CSV export of what they show. */
import { Button, Card, Title } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import type { ReactNode } from 'react';

/**
 * A chart under its heading, read by screen readers as one image named by it (`chart-<id>` is the
 * image's test id); `empty`, when given, says why there is nothing to draw instead.
 */
export function ChartCard({
  id,
  title,
  empty,
  children,
}: {
  id: string;
  title: string;
  empty?: ReactNode;
  children: ReactNode;
}) {
  return (
    <Card withBorder>
      <Title order={2} size="h4" mb="sm" id={id}>
        {title}
      </Title>
      {empty ?? (
        <div role="img" aria-labelledby={id} data-testid={`chart-${id}`}>
          {children}
        </div>
      )}
    </Card>
  );
}

/** Downloads `data` as CSV once it has loaded. */
export function CsvExportButton<T>({
  data,
  download,
  children,
}: {
  data: T | undefined;
  download(data: T): void;
  children: ReactNode;
}) {
  return (
    <Button
      variant="light"
      leftSection={<IconDownload size={16} />}
      disabled={!data}
      onClick={() => data && download(data)}
    >
      {children}
    </Button>
  );
}
