/**
 * Invitations: the invite form (roles limited to those the caller may grant, the API's messages
 * beside the fields), the one-time accept link right after sending or resending, and the list with
 * resend and confirmed revoke. A table on desktops, cards on phones.
 */
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  CopyButton,
  Group,
  NativeSelect,
  Stack,
  TagsInput,
  Text,
  TextInput,
  Title,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import { IconCheck, IconCopy, IconLink, IconMail, IconSend, IconTrash, IconX } from '@tabler/icons-react';
import { useState } from 'react';
import { useParams } from 'react-router';
import { can, grantingRoles, type OrgRole, orgRoles, rank } from '../../../../functions/api/permissions';
import {
  createInvite,
  listInvites,
  resendInvite,
  revokeInvite,
} from '../../../../functions/api/routes/tenancy';
import { CreateInviteBody, type Invite } from '../../../../functions/api/schemas/invites';
import type { Member } from '../../../../functions/api/schemas/members';
import { useApiForm } from '../../app/forms';
import { useMyMembership } from '../../app/membership';
import { usePagedRoute } from '../../app/paging';
import { useMemberDirectory } from '../../app/people';
import { useChange } from '../../app/queries';
import { useFormat } from '../../app/time';
import { confirmDestructive } from '../../components/confirm';
import { announceDone, announceFailure, Empty, Loaded, ProblemAlert } from '../../components/feedback';
import { FormActions, FormCard } from '../../components/forms';
import { MemberPerson, Person } from '../../components/Person';
import { ResponsiveList } from '../../components/ResponsiveList';

const pageSize = 50;

/** The link the API showed once (after create or resend); only its invite's id is kept beside it. */
interface Issued {
  inviteId: string;
  email: string;
  acceptUrl: string;
}

const statusColor: Record<Invite['status'], string> = {
  pending: 'blue',
  accepted: 'teal.9',
  declined: 'gray',
  revoked: 'red',
  expired: 'orange.9',
};

const grantable = (role: OrgRole) => orgRoles.filter((r) => rank(r) <= rank(role));

function InviteForm({ orgId, me, onIssued }: { orgId: string; me: Member; onIssued(i: Issued): void }) {
  const create = useChange(createInvite, { orgId });
  const { form, problem, run } = useApiForm<{ email: string; role: OrgRole; additionalRoles: string[] }>(
    CreateInviteBody,
    { initialValues: { email: '', role: 'member', additionalRoles: [] } },
  );
  return (
    <FormCard
      label="Invite someone"
      title="Invite someone"
      onSubmit={run(async (values) => {
        const { data } = await create.mutateAsync({ params: { orgId }, body: values });
        onIssued({ inviteId: data.id, email: data.email, acceptUrl: data.acceptUrl });
        announceDone(`Invitation sent to ${data.email}.`);
        form.reset();
      })}
    >
      <Group align="flex-start" wrap="wrap" gap="sm">
        <TextInput
          label="Email"
          type="email"
          autoComplete="off"
          placeholder="name@example.com"
          w={{ base: '100%', sm: 280 }}
          {...form.getInputProps('email')}
        />
        <NativeSelect
          label="Role"
          data={grantable(me.role)}
          w={{ base: '100%', sm: 160 }}
          {...form.getInputProps('role')}
        />
        <TagsInput
          label="Additional roles"
          description="sales: sees own sales and statements; bot_trainer: edits agents, prompts, knowledge"
          data={grantingRoles}
          w={{ base: '100%', sm: 280 }}
          {...form.getInputProps('additionalRoles')}
        />
      </Group>
      <ProblemAlert error={problem} />
      <FormActions submit="Send invitation" icon={<IconSend size={16} />} pending={create.isPending} />
    </FormCard>
  );
}

function OneTimeLink({ issued, onDismiss }: { issued: Issued; onDismiss(): void }) {
  return (
    <Alert
      color="blue"
      variant="light"
      icon={<IconLink size={18} />}
      title={`Accept link for ${issued.email}`}
      withCloseButton
      closeButtonLabel="Dismiss the link"
      onClose={onDismiss}
    >
      <Stack gap="xs">
        <Text size="sm">
          It was mailed to them. This is the only time it is shown: copy it now if you want to send it
          yourself.
        </Text>
        <Group wrap="nowrap" gap="xs" align="flex-end">
          <TextInput
            label="One-time accept link"
            value={issued.acceptUrl}
            readOnly
            onFocus={(e) => e.currentTarget.select()}
            style={{ flex: 1, minWidth: 0 }}
          />
          <CopyButton value={issued.acceptUrl} timeout={2000}>
            {({ copied, copy }) => (
              <Tooltip label={copied ? 'Copied' : 'Copy link'} withArrow>
                <ActionIcon
                  size="lg"
                  variant="light"
                  color={copied ? 'teal' : 'blue'}
                  onClick={copy}
                  aria-label={copied ? 'Copied' : 'Copy link'}
                >
                  {copied ? <IconCheck size={18} /> : <IconCopy size={18} />}
                </ActionIcon>
              </Tooltip>
            )}
          </CopyButton>
        </Group>
      </Stack>
    </Alert>
  );
}

function useInviteActions(
  orgId: string,
  setIssued: (f: (i: Issued | undefined) => Issued | undefined) => void,
) {
  const resend = useChange(resendInvite, { orgId });
  const revoke = useChange(revokeInvite, { orgId });
  const failed = (title: string) => (error: unknown) => announceFailure(title, error);
  return {
    resending: resend.isPending ? resend.variables?.params?.inviteId : undefined,
    resend: (invite: Invite) =>
      resend.mutate(
        { params: { orgId, inviteId: invite.id } },
        {
          onSuccess: ({ data }) => {
            setIssued(() => ({ inviteId: data.id, email: data.email, acceptUrl: data.acceptUrl }));
            announceDone(`Invitation sent again to ${data.email}; the earlier link no longer works.`);
          },
          onError: failed('Not resent'),
        },
      ),
    revoke: (invite: Invite) =>
      confirmDestructive({
        title: 'Revoke invitation',
        message: `Revoke the invitation for ${invite.email}? Its link stops working at once.`,
        confirmLabel: 'Revoke invitation',
        onConfirm: () =>
          revoke.mutate(
            { params: { orgId, inviteId: invite.id } },
            {
              onSuccess: () => {
                setIssued((issued) => (issued?.inviteId === invite.id ? undefined : issued));
                announceDone(`The invitation for ${invite.email} was revoked.`);
              },
              onError: failed('Not revoked'),
            },
          ),
      }),
  };
}

function InviteActions({
  me,
  invite,
  actions,
}: {
  me: Member;
  invite: Invite;
  actions: ReturnType<typeof useInviteActions>;
}) {
  const open = invite.status === 'pending' || invite.status === 'expired';
  if (!open || !can(me.role, 'invites:revoke') || rank(invite.role) > rank(me.role)) return null;
  return (
    <Group gap={4} wrap="nowrap" justify="flex-end">
      <Button
        variant="subtle"
        size="xs"
        leftSection={<IconSend size={14} />}
        aria-label={`Resend the invitation for ${invite.email}`}
        loading={actions.resending === invite.id}
        onClick={() => actions.resend(invite)}
      >
        Resend
      </Button>
      <Button
        variant="subtle"
        color="red"
        size="xs"
        leftSection={<IconTrash size={14} />}
        aria-label={`Revoke the invitation for ${invite.email}`}
        onClick={() => actions.revoke(invite)}
      >
        Revoke
      </Button>
    </Group>
  );
}

function RoleBadges({ invite }: { invite: Invite }) {
  return (
    <Group gap={4}>
      <Badge variant="light" miw="fit-content">
        {invite.role}
      </Badge>
      {invite.additionalRoles.map((r) => (
        <Badge key={r} variant="outline" color="gray" tt="none" miw="fit-content">
          {r}
        </Badge>
      ))}
    </Group>
  );
}

function InviteList({
  orgId,
  me,
  actions,
}: {
  orgId: string;
  me: Member;
  actions: ReturnType<typeof useInviteActions>;
}) {
  const format = useFormat();
  const invites = usePagedRoute(listInvites, { params: { orgId }, query: { limit: pageSize } });
  const people = useMemberDirectory(orgId);
  // The inviter by name from the member list; the email kept on the invite when they have left.
  const inviter = (i: Invite) => (
    <MemberPerson
      member={people.memberOf(i.invitedBy)}
      self={i.invitedBy === me.userId}
      fallback={i.inviterEmail ?? people.absent}
    />
  );
  const status = (i: Invite) => (
    <Badge color={statusColor[i.status]} variant="light" miw="fit-content">
      {i.status}
    </Badge>
  );
  return (
    <Loaded query={{ ...invites, data: invites.items }}>
      {(items) =>
        items.length === 0 ? (
          <Empty
            icon={<IconMail size={28} />}
            title="No invitations yet"
            description="Invite someone by email with the form above; they get a link to join."
          />
        ) : (
          <ResponsiveList
            label="Invitations"
            items={items}
            keyOf={(i) => i.id}
            paging={invites}
            card={(i) => (
              <>
                <Group justify="space-between" wrap="nowrap" align="flex-start">
                  <Person email={i.email} size="sm" />
                  {status(i)}
                </Group>
                <RoleBadges invite={i} />
                <Group gap={6} wrap="wrap">
                  <Text size="sm" c="dimmed">
                    Sent {format.dateTime(i.createdAt)} by
                  </Text>
                  {inviter(i)}
                </Group>
                <Text size="sm" c="dimmed">
                  Expires {format.dateTime(i.expiresAt)}
                </Text>
                <InviteActions me={me} invite={i} actions={actions} />
              </>
            )}
            columns={[
              { header: 'Invitee', cell: (i) => <Person email={i.email} size="sm" /> },
              { header: 'Role', cell: (i) => <RoleBadges invite={i} /> },
              { header: 'Inviter', cell: inviter },
              { header: 'Sent', cell: (i) => format.dateTime(i.createdAt) },
              { header: 'Expires', cell: (i) => format.dateTime(i.expiresAt) },
              { header: 'Status', cell: status },
              {
                header: <VisuallyHidden>Actions</VisuallyHidden>,
                cell: (i) => <InviteActions me={me} invite={i} actions={actions} />,
              },
            ]}
          />
        )
      }
    </Loaded>
  );
}

function InvitationsOf({ orgId, me }: { orgId: string; me: Member }) {
  const [issued, setIssued] = useState<Issued>();
  const actions = useInviteActions(orgId, setIssued);
  return (
    <>
      {can(me.role, 'invites:create') && <InviteForm orgId={orgId} me={me} onIssued={setIssued} />}
      {issued && <OneTimeLink issued={issued} onDismiss={() => setIssued(undefined)} />}
      <InviteList orgId={orgId} me={me} actions={actions} />
    </>
  );
}

export function Invitations() {
  const { orgId } = useParams() as { orgId: string };
  const { membership } = useMyMembership(orgId);
  return (
    <Stack maw={1100} gap="lg">
      <Title order={1} size="h2">
        Invitations
      </Title>
      <Loaded query={membership}>
        {(mine) =>
          can(mine.role, 'invites:read') ? (
            <InvitationsOf orgId={orgId} me={mine} />
          ) : (
            <Empty
              icon={<IconX size={28} />}
              title="Invitations are for managers"
              description={`Your role (${mine.role}) cannot see invitations; ask an admin or owner.`}
            />
          )
        }
      </Loaded>
    </Stack>
  );
}
