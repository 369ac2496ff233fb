/**
 * A person as the console shows one: their picture (initials when there is none), their name, and
 * their email beneath it, or the email alone when no name is known.
 */
import { Avatar, Group, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import type { Member } from '../../../functions/api/schemas/members';

/** Two letters for an avatar: a name's first and last initials, else an email's first letters. */
export function initialsOf(name: string | null | undefined, email: string): string {
  const words = (name ?? '').trim().split(/\s+/).filter(Boolean);
  if (words.length > 1) return `${words[0]![0]}${words.at(-1)![0]}`.toUpperCase();
  if (words.length === 1) return words[0]!.slice(0, 2).toUpperCase();
  const local = email.split('@')[0] ?? email;
  const parts = local.split(/[._+-]/).filter(Boolean);
  return (parts.length > 1 ? `${parts[0]![0]}${parts[1]![0]}` : local.slice(0, 2)).toUpperCase();
}

export function PersonAvatar({
  name,
  email,
  picture,
  size = 'md',
}: {
  name?: string | null;
  email: string;
  picture?: string | null;
  size?: 'xs' | 'sm' | 'md';
}) {
  return (
    <Avatar src={picture ?? undefined} radius="xl" size={size} color="indigo" variant="light" aria-hidden>
      {initialsOf(name, email)}
    </Avatar>
  );
}

export function Person({
  name,
  email,
  picture,
  suffix,
  size = 'md',
}: {
  name?: string | null;
  email: string;
  picture?: string | null;
  /** Shown after the name, such as "(you)". */
  suffix?: ReactNode;
  size?: 'sm' | 'md';
}) {
  return (
    <Group gap="sm" wrap="nowrap" align="center" style={{ minWidth: 0 }}>
      <PersonAvatar name={name} email={email} picture={picture} size={size} />
      <Stack gap={0} style={{ minWidth: 0 }}>
        <Text fw={600} size={size} style={{ overflowWrap: 'anywhere' }}>
          {name || email}
          {suffix}
        </Text>
        {name && (
          <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
            {email}
          </Text>
        )}
      </Stack>
    </Group>
  );
}

/**
 * Someone a record names by user id (an assignee, a creator, an inviter) as a person, avatar and
 * name with the email beneath; `fallback` in words when they are not a member any more (or the list
 * is not readable).
 */
export function MemberPerson({
  member,
  self,
  fallback,
  size = 'sm',
}: {
  member: Member | undefined;
  self?: boolean;
  fallback: string;
  size?: 'sm' | 'md';
}) {
  if (!member) return <>{self ? 'You' : fallback}</>;
  return (
    <Person
      name={member.name}
      email={member.email}
      picture={member.picture}
      size={size}
      suffix={self ? ' (you)' : undefined}
    />
  );
}
