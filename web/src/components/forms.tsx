/**
 * How the console's forms sit on a page: a card holding one named form, and its buttons; a titled
 * card that says what its action does.
 */
import { Anchor, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import type { FormEventHandler, ReactNode } from 'react';
import { Link } from 'react-router';

/** One form in a card: `label` is its accessible name, `title` the heading shown above its fields. */
export function FormCard({
  label,
  title,
  onSubmit,
  children,
}: {
  label: string;
  title?: ReactNode;
  onSubmit: FormEventHandler<HTMLFormElement>;
  children: ReactNode;
}) {
  return (
    <Card withBorder>
      <form aria-label={label} onSubmit={onSubmit}>
        <Stack gap="sm">
          {title && (
            <Title order={2} size="h4">
              {title}
            </Title>
          )}
          {children}
        </Stack>
      </form>
    </Card>
  );
}

/** A part of a page under its heading, with what it does (such as leaving the organization) said first. */
export function SectionCard({
  title,
  description,
  children,
}: {
  title: string;
  description: string;
  children: ReactNode;
}) {
  return (
    <Card withBorder>
      <Stack gap="sm">
        <Title order={2} size="h4">
          {title}
        </Title>
        <Text size="sm" c="dimmed">
          {description}
        </Text>
        {children}
      </Stack>
    </Card>
  );
}

/** The submit button (busy while `pending`) and, where the form can be left, Cancel. */
export function FormActions({
  submit,
  icon,
  pending,
  onCancel,
}: {
  submit: string;
  icon?: ReactNode;
  pending: boolean;
  onCancel?(): void;
}) {
  return (
    <Group>
      <Button type="submit" leftSection={icon} loading={pending}>
        {submit}
      </Button>
      {onCancel && (
        <Button variant="default" onClick={onCancel}>
          Cancel
        </Button>
      )}
    </Group>
  );
}

/** A list page's heading with its one action (such as "New agent") beside it. */
export function PageHeading({ title, action }: { title: string; action?: ReactNode }) {
  return (
    <Group justify="space-between" wrap="wrap" gap="sm">
      <Title order={1} size="h2">
        {title}
      </Title>
      {action}
    </Group>
  );
}

/** An item's name in a list, linking to its page; long names wrap instead of widening the list. */
export function NameLink({ to, children }: { to: string; children: ReactNode }) {
  return (
    <Anchor component={Link} to={to} fw={600} style={{ overflowWrap: 'anywhere' }}>
      {children}
    </Anchor>
  );
}
