/** What editors of long, versioned text share: a size counter, and the refusal of a stale save. */
import { Alert, Button, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconRefresh } from '@tabler/icons-react';
import { ApiError } from '../app/api';

export const isStale = (error: unknown) => error instanceof ApiError && error.problem.status === 412;

const bytesOf = (text: string) => new TextEncoder().encode(text).byteLength;
const number = new Intl.NumberFormat();

/**
 * Characters and UTF-8 bytes against the API's limit (which counts bytes: "é" is two); a field's
 * `description`, so screen readers read it with the field.
 */
export function SizeCounter({ text, maxBytes }: { text: string; maxBytes: number }) {
  const bytes = bytesOf(text);
  const over = bytes > maxBytes;
  return (
    <Text component="span" size="xs" c={over ? 'red.9' : undefined} fw={over ? 600 : undefined}>
      {number.format(text.length)} characters · {number.format(bytes)} of {number.format(maxBytes)} bytes
      {over && ' (too long)'}
    </Text>
  );
}

/** A save refused because someone changed the thing since it was read (412): nothing was saved. */
export function StaleAlert({ what, onReload }: { what: string; onReload(): void }) {
  return (
    <Alert
      variant="light"
      icon={<IconAlertTriangle size={18} />}
      title={`Someone changed this ${what} meanwhile`}
      role="alert"
    >
      <Stack gap="xs">
        <Text size="sm">
          Nothing was saved. Reload to see their changes (your edits here are replaced), then make yours
          again.
        </Text>
        <Button variant="filled" w="fit-content" leftSection={<IconRefresh size={16} />} onClick={onReload}>
          Reload {what}
        </Button>
      </Stack>
    </Alert>
  );
}
