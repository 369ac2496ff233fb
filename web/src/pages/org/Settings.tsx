/**
 * Organization settings: the customer's own settings, saved with If-Match so a change someone else
 * made meanwhile is never overwritten; the plan and SAML shown read-only (the platform operator's);
 * and the danger zone, where an owner deletes the organization after typing its name.
 */
import {
  Button,
  Card,
  Divider,
  Group,
  NumberInput,
  Stack,
  Switch,
  TagsInput,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { can } from '../../../../functions/api/permissions';
import { planLimits } from '../../../../functions/api/plans';
import { deleteOrg, getMyMembership, getOrg, updateOrg } from '../../../../functions/api/routes/tenancy';
import { type Organization, type OrgSettings, UpdateOrgBody } from '../../../../functions/api/schemas/orgs';
import type { Result } from '../../app/api';
import { useApiForm } from '../../app/forms';
import { orgKey, useChange, useRoute } from '../../app/queries';
import { useSession } from '../../app/session';
import { confirmByTyping } from '../../components/confirm';
import { isStale, StaleAlert } from '../../components/editing';
import { announceDone, Loaded, ProblemAlert } from '../../components/feedback';

const settingNames = [
  'name',
  'displayName',
  'description',
  'domain',
  'extraDomains',
  'autoJoinByDomain',
  'membersMustHaveMatchingDomain',
  'maxUsers',
  'allowOtherCalendarAccounts',
] as const satisfies readonly (keyof OrgSettings)[];

function settingsOf(org: Organization): OrgSettings {
  return Object.fromEntries(settingNames.map((n) => [n, org[n]])) as OrgSettings;
}

/** Only the settings that differ from what was loaded, so the audit log shows just the change. */
function changes(from: OrgSettings, to: OrgSettings): Partial<OrgSettings> {
  return Object.fromEntries(
    settingNames.filter((n) => JSON.stringify(from[n]) !== JSON.stringify(to[n])).map((n) => [n, to[n]]),
  );
}

function SettingsForm({
  initial,
  onReload,
}: {
  initial: Result<Organization>;
  onReload(): Promise<Result<Organization> | undefined>;
}) {
  const { orgId } = useParams() as { orgId: string };
  const [base, setBase] = useState(initial);
  const [stale, setStale] = useState(false);
  const update = useChange(updateOrg, { orgId });
  const { form, problem, run, clearProblem } = useApiForm<OrgSettings>(UpdateOrgBody, {
    initialValues: settingsOf(base.data),
  });
  const values = form.getValues();

  /** Text fields whose empty value is null in the API (display name, description, domain). */
  const nullableText = (field: 'displayName' | 'description' | 'domain') => {
    const props = form.getInputProps(field);
    return {
      ...props,
      value: (values[field] as string | null) ?? '',
      onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
        form.setFieldValue(field, e.currentTarget.value === '' ? null : e.currentTarget.value),
    };
  };
  // The API names a bad extra domain by its position (extraDomains.2): say which one.
  const extraDomainError =
    form.errors.extraDomains ??
    Object.entries(form.errors)
      .filter(([key]) => key.startsWith('extraDomains.'))
      .map(([key, message]) => `${values.extraDomains[Number(key.split('.')[1])] ?? key}: ${message}`)
      .join('; ');

  const adopt = (result: Result<Organization>) => {
    setBase(result);
    const fresh = settingsOf(result.data);
    form.setInitialValues(fresh);
    form.setValues(fresh);
    form.resetDirty(fresh);
    form.clearErrors();
    clearProblem();
  };

  const reload = async () => {
    const fresh = await onReload();
    if (fresh) adopt(fresh);
    setStale(false);
  };

  const planMax = planLimits[base.data.plan].maxUsers;
  return (
    <Card withBorder>
      <form
        aria-label="Organization settings"
        onSubmit={run(async (submitted) => {
          setStale(false);
          const body = changes(settingsOf(base.data), submitted);
          if (Object.keys(body).length === 0) {
            announceDone('Nothing to save: the settings are unchanged.');
            return;
          }
          try {
            const result = await update.mutateAsync({ params: { orgId }, body, etag: base.etag });
            adopt(result);
            announceDone('Settings saved.');
          } catch (error) {
            if (isStale(error)) {
              setStale(true);
              return;
            }
            throw error;
          }
        })}
      >
        <Stack>
          <Title order={2} size="h4">
            General
          </Title>
          <TextInput label="Name" required {...form.getInputProps('name')} />
          <TextInput
            label="Display name"
            description="Shown instead of the name when set."
            {...nullableText('displayName')}
          />
          <Textarea label="Description" autosize minRows={2} maxRows={6} {...nullableText('description')} />

          <Divider />
          <Title order={2} size="h4">
            Domains and joining
          </Title>
          <TextInput
            label="Domain"
            description="The organization's email domain, such as example.com."
            {...nullableText('domain')}
          />
          <TagsInput
            label="Extra domains"
            description="Other email domains that belong to the organization. Press Enter after each."
            {...form.getInputProps('extraDomains')}
            error={extraDomainError || undefined}
            clearable
          />
          <Switch
            label="Auto-join by domain"
            description="People whose verified email is in one of these domains may join as members without an invitation."
            {...form.getInputProps('autoJoinByDomain', { type: 'checkbox' })}
          />
          <Switch
            label="Members must have a matching domain"
            description="Only people with an email in one of these domains may be invited or join."
            {...form.getInputProps('membersMustHaveMatchingDomain', { type: 'checkbox' })}
          />

          <Divider />
          <Title order={2} size="h4">
            Members and calendars
          </Title>
          <Text size="sm" id="plan-summary">
            Plan: <b>{base.data.plan}</b>, up to {planMax.toLocaleString()} members. SAML single sign-on:{' '}
            <b>{base.data.canSetupSaml ? 'available' : 'not available'}</b>. The plan and SAML are set by the
            platform operator; contact them to change either.
          </Text>
          <NumberInput
            label="Member limit"
            description={`Leave empty for the plan's limit of ${planMax.toLocaleString()}; you can only lower it. Now ${base.data.memberCount} ${base.data.memberCount === 1 ? 'member' : 'members'}.`}
            min={1}
            allowDecimal={false}
            allowNegative={false}
            {...form.getInputProps('maxUsers')}
            value={values.maxUsers ?? ''}
            onChange={(v) => form.setFieldValue('maxUsers', v === '' ? null : Number(v))}
          />
          <Switch
            label="Allow other calendar accounts"
            description="Members may connect a Google Calendar whose account email differs from their own."
            {...form.getInputProps('allowOtherCalendarAccounts', { type: 'checkbox' })}
          />

          {stale && <StaleAlert what="settings" subject="these settings" onReload={() => void reload()} />}
          <ProblemAlert error={problem} />
          <Group>
            <Button type="submit" loading={update.isPending}>
              Save settings
            </Button>
            <Button
              variant="default"
              disabled={!form.isDirty()}
              onClick={() => {
                form.reset();
                clearProblem();
              }}
            >
              Discard changes
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

function DangerZone({ org }: { org: Organization }) {
  const { api } = useSession();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>();
  const [deleting, setDeleting] = useState(false);
  const remove = async () => {
    setError(undefined);
    setDeleting(true);
    try {
      await api(deleteOrg, { params: { orgId: org.id } });
    } catch (e) {
      setError(e);
      setDeleting(false);
      return;
    }
    navigate('/');
    client.removeQueries({ queryKey: orgKey(org.id) });
    await client.invalidateQueries();
    announceDone(`${org.name} was deleted.`);
  };
  return (
    <Card withBorder style={{ borderColor: 'var(--mantine-color-red-6)' }}>
      <Stack>
        <Title order={2} size="h4" c="red">
          Danger zone
        </Title>
        <Text size="sm">
          Deleting the organization removes its members, invitations, calendar connections and audit log for
          good. It cannot be undone.
        </Text>
        <ProblemAlert error={error} title="The organization was not deleted" />
        <Button
          color="red"
          w="fit-content"
          leftSection={<IconTrash size={16} />}
          loading={deleting}
          onClick={() =>
            confirmByTyping({
              title: `Delete ${org.name}?`,
              message:
                'Every member loses access, pending invitations stop working, connected calendars are disconnected and the audit log is erased. This cannot be undone.',
              expected: org.name,
              confirmLabel: 'Delete organization',
              onConfirm: remove,
            })
          }
        >
          Delete organization
        </Button>
      </Stack>
    </Card>
  );
}

export function Settings() {
  const { orgId } = useParams() as { orgId: string };
  const org = useRoute(getOrg, { params: { orgId } });
  const me = useRoute(getMyMembership, { params: { orgId } });
  const role = me.data?.data.role;
  return (
    <Stack maw={720}>
      <Title order={1} size="h2">
        Settings
      </Title>
      <Loaded query={org} rows={8}>
        {(loaded) =>
          role && !can(role, 'org:update') ? (
            <ProblemAlert title="Not available" error="Only admins and owners can change the settings." />
          ) : (
            <>
              <SettingsForm initial={loaded} onReload={async () => (await org.refetch()).data} />
              {role && can(role, 'org:delete') && <DangerZone org={loaded.data} />}
            </>
          )
        }
      </Loaded>
    </Stack>
  );
}
