/**
 * Inviting several people at once, from the Members page: emails typed or pasted (commas, spaces
 * or new lines between them), one role for all, one request per email (the API invites one person
 * at a time), and each email's own result: sent, with its one-time link, or the API's reason.
 */
import {
  ActionIcon,
  Button,
  Card,
  CopyButton,
  Group,
  List,
  NativeSelect,
  Stack,
  TagsInput,
  Text,
  ThemeIcon,
  Title,
  Tooltip,
} from '@mantine/core';
import { IconAlertCircle, IconCheck, IconCopy, IconSend } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { type OrgRole, orgRoles, rank } from '../../../../functions/api/permissions';
import { createInvite } from '../../../../functions/api/routes/tenancy';
import { problemText } from '../../app/api';
import { useChange } from '../../app/queries';
import { announceDone } from '../../components/feedback';

/** The most emails one submission sends: each is its own request, and each may mail someone. */
export const maxInvitesAtOnce = 20;

/** Emails in what was typed or pasted: split at commas, semicolons, spaces and new lines, each once. */
export function splitEmails(text: string): string[] {
  const seen = new Set<string>();
  for (const part of text.split(/[\s,;]+/)) {
    const email = part.trim().replace(/^<|>$/g, '');
    if (email) seen.add(email.toLowerCase());
  }
  return [...seen];
}

type Outcome = { email: string } & ({ ok: true; acceptUrl: string } | { ok: false; reason: string });

function OutcomeList({ outcomes }: { outcomes: Outcome[] }) {
  return (
    <List spacing={6} listStyleType="none" aria-label="Invitation results" withPadding={false}>
      {outcomes.map((o) => (
        <List.Item
          key={o.email}
          icon={
            <ThemeIcon size="sm" radius="xl" color={o.ok ? 'teal.9' : 'red.9'} aria-hidden>
              {o.ok ? <IconCheck size={12} /> : <IconAlertCircle size={12} />}
            </ThemeIcon>
          }
        >
          <Group gap="xs" wrap="wrap">
            <Text size="sm" fw={600} style={{ overflowWrap: 'anywhere' }}>
              {o.email}
            </Text>
            {o.ok ? (
              <>
                <Text size="sm">invited.</Text>
                <CopyButton value={o.acceptUrl} timeout={2000}>
                  {({ copied, copy }) => (
                    <Tooltip label={copied ? 'Copied' : 'Copy the one-time link'} withArrow>
                      <ActionIcon
                        size="sm"
                        variant="subtle"
                        onClick={copy}
                        aria-label={copied ? 'Copied' : `Copy the one-time link for ${o.email}`}
                      >
                        {copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
                      </ActionIcon>
                    </Tooltip>
                  )}
                </CopyButton>
              </>
            ) : (
              <Text size="sm" c="red">
                Not invited: {o.reason}
              </Text>
            )}
          </Group>
        </List.Item>
      ))}
    </List>
  );
}

export function InvitePeople({ orgId, myRole }: { orgId: string; myRole: OrgRole }) {
  const create = useChange(createInvite, { orgId });
  const [emails, setEmails] = useState<string[]>([]);
  const [role, setRole] = useState<OrgRole>('member');
  const [error, setError] = useState<string>();
  const [sending, setSending] = useState(false);
  const [outcomes, setOutcomes] = useState<Outcome[]>([]);
  const grantable = orgRoles.filter((r) => rank(r) <= rank(myRole));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (emails.length === 0) return setError('Type at least one email');
    if (emails.length > maxInvitesAtOnce) return setError(`At most ${maxInvitesAtOnce} emails at once`);
    setError(undefined);
    setSending(true);
    const results: Outcome[] = [];
    // One at a time: the API's per-hour invite limits then refuse the later ones by name.
    for (const email of emails) {
      try {
        const { data } = await create.mutateAsync({ params: { orgId }, body: { email, role } });
        results.push({ email, ok: true, acceptUrl: data.acceptUrl });
      } catch (failure) {
        results.push({ email, ok: false, reason: problemText(failure) });
      }
    }
    setSending(false);
    setOutcomes(results);
    // Those refused stay in the field, to correct and send again.
    setEmails(results.filter((r) => !r.ok).map((r) => r.email));
    const sent = results.filter((r) => r.ok).length;
    if (sent > 0) announceDone(sent === 1 ? 'Invitation sent.' : `${sent} invitations sent.`);
  };

  return (
    <Card withBorder component="section" aria-labelledby="invite-people-title">
      <form onSubmit={submit} aria-label="Invite people">
        <Stack gap="sm">
          <Title order={2} size="h4" id="invite-people-title">
            Invite people
          </Title>
          <Group align="flex-start" wrap="wrap" gap="sm">
            <TagsInput
              label="Emails"
              description="Type or paste several, separated by commas, spaces or new lines"
              placeholder={emails.length ? undefined : 'ana@example.com, ben@example.com'}
              value={emails}
              onChange={(value) => {
                setEmails(splitEmails(value.join(' ')));
                setError(undefined);
              }}
              splitChars={[',', ' ', ';', '\n']}
              clearable
              error={error}
              style={{ flex: '1 1 18rem', minWidth: 0 }}
            />
            <NativeSelect
              label="Role"
              description="For everyone in this batch"
              data={grantable}
              value={role}
              onChange={(e) => setRole(e.currentTarget.value as OrgRole)}
              w={{ base: '100%', xs: 160 }}
            />
          </Group>
          <Group>
            <Button type="submit" leftSection={<IconSend size={16} />} loading={sending}>
              {emails.length > 1 ? `Send ${emails.length} invitations` : 'Send invitation'}
            </Button>
          </Group>
          {outcomes.length > 0 && <OutcomeList outcomes={outcomes} />}
        </Stack>
      </form>
    </Card>
  );
}
