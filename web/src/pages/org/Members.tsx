/**
 * The organization's members: role changes inline (optimistic, rolled back with the API's reason
 * when refused), removal, leaving, and ownership transfer. A table on desktops, cards on phones.
 */
import {
  Badge,
  Button,
  Group,
  NativeSelect,
  Select,
  Stack,
  Text,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { modals } from '@mantine/modals';
import { IconCrown, IconDoorExit, IconUserMinus, IconUsers } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { can, type OrgRole, orgRoles, rank } from '../../../../functions/api/permissions';
import { listApiClients } from '../../../../functions/api/routes/api-clients';
import {
  leaveOrg,
  listMembers,
  removeMember,
  transferOwnership,
  updateMember,
} from '../../../../functions/api/routes/tenancy';
import type { Member } from '../../../../functions/api/schemas/members';
import { useMyMembership } from '../../app/membership';
import { pagedKey, updatePagedItems, usePagedRoute } from '../../app/paging';
import { useChange, useRoute } from '../../app/queries';
import { useSession } from '../../app/session';
import { useFormat } from '../../app/time';
import { confirmDestructive } from '../../components/confirm';
import { DangerCard } from '../../components/editing';
import { announceDone, announceFailure, Empty, Loaded, ProblemAlert } from '../../components/feedback';
import { SectionCard } from '../../components/forms';
import { Person } from '../../components/Person';
import { ResponsiveList } from '../../components/ResponsiveList';
import { InvitePeople } from './invite-parts';

const pageSize = 100;

/** What the caller may do to one member, by the matrix and the rules beside it. */
function powersOver(me: Member, target: Member) {
  const self = me.userId === target.userId;
  const ownerRule = target.role !== 'owner' || me.role === 'owner';
  return {
    changeRole: !self && can(me.role, 'members:update') && ownerRule,
    remove: !self && can(me.role, 'members:remove') && ownerRule,
  };
}

/** Roles the caller may hand out: none above their own. */
const grantable = (role: OrgRole) => orgRoles.filter((r) => rank(r) <= rank(role));

/** The API clients each member created: they stop working when that member leaves (README "Machine callers"). */
function useClientsByCreator(orgId: string, me: Member) {
  const clients = useRoute(
    listApiClients,
    { params: { orgId }, query: { limit: 100 } },
    can(me.role, 'apiClients:read'),
  );
  return (userId: string) =>
    (clients.data?.data.items ?? []).filter((c) => c.createdBy.userId === userId).map((c) => c.name);
}

function useMemberActions(orgId: string, me: Member) {
  const client = useQueryClient();
  const clientsOf = useClientsByCreator(orgId, me);
  const key = pagedKey(listMembers, { params: { orgId }, query: { limit: pageSize } });
  const update = useChange(updateMember, {
    orgId,
    onMutate: (input) =>
      updatePagedItems<Member>(client, key, (items) =>
        items.map((m) => (m.userId === input.params?.userId ? { ...m, ...input.body } : m)),
      ),
  });
  const remove = useChange(removeMember, { orgId });
  const changeRole = (member: Member, role: OrgRole) =>
    modals.openConfirmModal({
      title: 'Change role',
      children: (
        <Text size="sm">
          Make {member.email} {role === 'admin' || role === 'owner' ? 'an' : 'a'} {role} instead of{' '}
          {member.role === 'admin' || member.role === 'owner' ? 'an' : 'a'} {member.role}? What they may do
          changes at once.
        </Text>
      ),
      labels: { confirm: `Make ${role}`, cancel: 'Cancel' },
      closeButtonProps: { 'aria-label': 'Close' },
      onConfirm: () => saveRole(member, role),
    });
  const saveRole = (member: Member, role: OrgRole) =>
    update.mutate(
      { params: { orgId, userId: member.userId }, body: { role }, etag: `"${member.version}"` },
      {
        onSuccess: () => announceDone(`${member.email} is now ${role === 'admin' ? 'an' : 'a'} ${role}.`),
        onError: (error) => announceFailure(`${member.email} stays ${member.role}`, error),
      },
    );
  const confirmRemove = (member: Member) =>
    confirmDestructive({
      title: 'Remove member',
      message: `Remove ${member.email} from the organization? They lose access at once and their calendar connection is removed.`,
      consequences: {
        intro: 'These API clients they created stop working at once:',
        items: clientsOf(member.userId),
      },
      confirmLabel: 'Remove member',
      onConfirm: () =>
        remove.mutate(
          { params: { orgId, userId: member.userId } },
          {
            onSuccess: () => announceDone(`${member.email} was removed.`),
            onError: (error) => announceFailure('Not removed', error),
          },
        ),
    });
  return { changeRole, confirmRemove };
}

function RoleCell({
  me,
  member,
  onChange,
}: {
  me: Member;
  member: Member;
  onChange(member: Member, role: OrgRole): void;
}) {
  if (!powersOver(me, member).changeRole)
    return (
      <Badge variant="light" miw="fit-content">
        {member.role}
      </Badge>
    );
  return (
    <NativeSelect
      aria-label={`Role of ${member.email}`}
      data={grantable(me.role)}
      value={member.role}
      onChange={(e) => onChange(member, e.currentTarget.value as OrgRole)}
      size="xs"
      w={120}
    />
  );
}

function AdditionalRoles({ roles }: { roles: string[] }) {
  if (roles.length === 0)
    return (
      <Text size="sm" c="dimmed">
        None
      </Text>
    );
  return (
    <Group gap={4}>
      {roles.map((r) => (
        <Badge key={r} variant="outline" color="gray" tt="none" miw="fit-content">
          {r}
        </Badge>
      ))}
    </Group>
  );
}

function RemoveButton({ me, member, onRemove }: { me: Member; member: Member; onRemove(m: Member): void }) {
  if (!powersOver(me, member).remove) return null;
  return (
    <Button
      variant="subtle"
      color="red"
      size="xs"
      leftSection={<IconUserMinus size={14} />}
      aria-label={`Remove ${member.email}`}
      onClick={() => onRemove(member)}
    >
      Remove
    </Button>
  );
}

function MemberList({ orgId, me }: { orgId: string; me: Member }) {
  const format = useFormat();
  const members = usePagedRoute(listMembers, { params: { orgId }, query: { limit: pageSize } });
  const { changeRole, confirmRemove } = useMemberActions(orgId, me);
  const { profile } = useSession();
  /** A member as a person: the caller's own name and picture are known from their profile. */
  const person = (m: Member) => {
    const self = m.userId === me.userId;
    return (
      <Person
        email={m.email}
        name={self ? profile.name : m.name}
        picture={self ? profile.picture : m.picture}
        suffix={
          self ? (
            <Text span size="xs" c="dimmed" fw={400}>
              {' '}
              (you)
            </Text>
          ) : null
        }
      />
    );
  };
  return (
    <Loaded query={{ ...members, data: members.items }}>
      {(items) =>
        items.length === 0 ? (
          <Empty
            icon={<IconUsers size={28} />}
            title="No members"
            description="Invite people with the form above."
          />
        ) : (
          <ResponsiveList
            label="Members"
            items={items}
            keyOf={(m) => m.userId}
            paging={members}
            card={(m) => (
              <>
                {person(m)}
                <Group justify="space-between" wrap="wrap" gap="xs">
                  <RoleCell me={me} member={m} onChange={changeRole} />
                  <Text size="sm" c="dimmed">
                    Joined {format.date(m.joinedAt)}
                  </Text>
                </Group>
                <AdditionalRoles roles={m.additionalRoles} />
                <Group justify="flex-end">
                  <RemoveButton me={me} member={m} onRemove={confirmRemove} />
                </Group>
              </>
            )}
            columns={[
              {
                header: 'Member',
                cell: person,
              },
              { header: 'Role', cell: (m) => <RoleCell me={me} member={m} onChange={changeRole} /> },
              { header: 'Additional roles', cell: (m) => <AdditionalRoles roles={m.additionalRoles} /> },
              { header: 'Joined', cell: (m) => format.date(m.joinedAt) },
              {
                header: <VisuallyHidden>Actions</VisuallyHidden>,
                align: 'right',
                cell: (m) => <RemoveButton me={me} member={m} onRemove={confirmRemove} />,
              },
            ]}
          />
        )
      }
    </Loaded>
  );
}

function TransferOwnership({ orgId, me }: { orgId: string; me: Member }) {
  const members = usePagedRoute(listMembers, { params: { orgId }, query: { limit: pageSize } });
  const [userId, setUserId] = useState<string | null>(null);
  const transfer = useChange(transferOwnership, {
    orgId,
    onSuccess: ({ data }) => {
      setUserId(null);
      announceDone(`${data.newOwner.email} now owns the organization; you are an admin.`);
    },
  });
  const candidates = (members.items ?? [])
    .filter((m) => m.userId !== me.userId && m.role !== 'owner')
    .map((m) => ({ value: m.userId, label: m.name ? `${m.name} (${m.email})` : m.email }));
  const chosen = candidates.find((c) => c.value === userId);
  return (
    <SectionCard title="Transfer ownership" description="Make another member the owner. You become an admin.">
      <Group align="flex-end" wrap="wrap">
        <Select
          label="New owner"
          placeholder={candidates.length ? 'Choose a member' : 'No other members yet'}
          data={candidates}
          value={userId}
          onChange={setUserId}
          searchable
          disabled={candidates.length === 0}
          w={{ base: '100%', xs: 300 }}
        />
        <Button
          color="red"
          variant="light"
          leftSection={<IconCrown size={16} />}
          disabled={!chosen}
          loading={transfer.isPending}
          onClick={() =>
            chosen &&
            confirmDestructive({
              title: 'Transfer ownership',
              message: `Make ${chosen.label} the owner of this organization? You become an admin and cannot undo this yourself.`,
              confirmLabel: 'Transfer ownership',
              onConfirm: () => transfer.mutate({ params: { orgId }, body: { userId: chosen.value } }),
            })
          }
        >
          Transfer
        </Button>
      </Group>
      <ProblemAlert error={transfer.error} />
    </SectionCard>
  );
}

function LeaveOrganization({ orgId }: { orgId: string }) {
  const navigate = useNavigate();
  const leave = useChange(leaveOrg, {
    onSuccess: () => {
      announceDone('You left the organization.');
      navigate('/');
    },
  });
  return (
    <DangerCard
      title="Leave organization"
      explanation="You lose access to this organization; someone must invite you again to come back."
      label="Leave organization"
      icon={<IconDoorExit size={16} />}
      message="Leave this organization? You lose access at once."
      pending={leave.isPending}
      onConfirm={() => leave.mutate({ params: { orgId } })}
    >
      <ProblemAlert error={leave.error} />
    </DangerCard>
  );
}

export function Members() {
  const { orgId } = useParams() as { orgId: string };
  const { membership } = useMyMembership(orgId);
  return (
    <Stack maw={1100} gap="lg">
      <Title order={1} size="h2">
        Members
      </Title>
      <Loaded query={membership}>
        {(mine) => (
          <>
            {can(mine.role, 'invites:create') && <InvitePeople orgId={orgId} myRole={mine.role} />}
            <MemberList orgId={orgId} me={mine} />
            {can(mine.role, 'org:transferOwnership') && <TransferOwnership orgId={orgId} me={mine} />}
            <LeaveOrganization orgId={orgId} />
          </>
        )}
      </Loaded>
    </Stack>
  );
}
