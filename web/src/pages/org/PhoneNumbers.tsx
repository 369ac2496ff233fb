/**
 * The organization's phone numbers: each with the agent that answers it. Admins add numbers (within
 * the plan's limit; a number belongs to one org platform-wide), assign each to one of the org's own
 * agents or unassign it, and release it after confirming. The API's messages appear beside the
 * field they name.
 */
import { Button, Group, NativeSelect, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconPhone, IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { useParams } from 'react-router';
import { listAgents } from '../../../../functions/api/routes/agents';
import {
  createPhoneNumber,
  deletePhoneNumber,
  listPhoneNumbers,
  updatePhoneNumber,
} from '../../../../functions/api/routes/phone-numbers';
import { getOrg } from '../../../../functions/api/routes/tenancy';
import type { Agent } from '../../../../functions/api/schemas/agents';
import { CreatePhoneNumberBody, type PhoneNumber } from '../../../../functions/api/schemas/phone-numbers';
import { fieldErrors } from '../../app/api';
import { useApiForm } from '../../app/forms';
import { useMyMembership } from '../../app/membership';
import { usePagedRoute } from '../../app/paging';
import { useChange, useRoute } from '../../app/queries';
import { confirmDestructive } from '../../components/confirm';
import { announceDone, announceFailure, Empty, Loaded, ProblemAlert } from '../../components/feedback';
import { FormActions, FormCard } from '../../components/forms';
import { PagedCardList } from '../../components/PagedCardList';

const pageSize = 25;

function AddNumberForm({ orgId }: { orgId: string }) {
  const create = useChange(createPhoneNumber, { orgId });
  const { form, problem, run } = useApiForm<{ e164: string }>(CreatePhoneNumberBody, {
    initialValues: { e164: '' },
  });
  return (
    <FormCard
      label="Add a phone number"
      title="Add a phone number"
      onSubmit={run(async (values) => {
        const { data } = await create.mutateAsync({ params: { orgId }, body: values });
        form.reset();
        announceDone(`${data.e164} added.`);
      })}
    >
      <ProblemAlert error={problem} />
      <TextInput
        label="Phone number"
        description="In E.164 form: + then the country code and the number, without spaces, such as +14155550123."
        placeholder="+14155550123"
        inputMode="tel"
        autoComplete="off"
        required
        {...form.getInputProps('e164')}
      />
      <FormActions submit="Add number" icon={<IconPlus size={16} />} pending={create.isPending} />
    </FormCard>
  );
}

/** A number's card: the number, and the agent that answers it (a picker for those who manage numbers). */
function NumberCardContent({
  orgId,
  number,
  agents,
  mayManage,
}: {
  orgId: string;
  number: PhoneNumber;
  agents: Agent[];
  mayManage: boolean;
}) {
  const update = useChange(updatePhoneNumber, { orgId });
  const remove = useChange(deletePhoneNumber, { orgId });
  const [agentError, setAgentError] = useState<string>();
  const assigned = agents.find((a) => a.id === number.agentId);
  const assign = (agentId: string | null) => {
    setAgentError(undefined);
    update.mutate(
      { params: { orgId, e164: number.e164 }, body: { agentId }, etag: `"${number.version}"` },
      {
        onSuccess: ({ data }) => {
          const agent = agents.find((a) => a.id === data.agentId);
          announceDone(agent ? `${data.e164} now rings ${agent.name}.` : `${data.e164} is unassigned.`);
        },
        onError: (error) => {
          const message = fieldErrors(error).agentId;
          if (message) setAgentError(message);
          else announceFailure(`${number.e164} kept its agent`, error);
        },
      },
    );
  };
  const confirmRelease = () =>
    confirmDestructive({
      title: 'Release phone number',
      message: `Release ${number.e164}? Calls to it stop reaching this organization, and any organization may add it afterwards.`,
      confirmLabel: 'Release number',
      onConfirm: () =>
        remove.mutate(
          { params: { orgId, e164: number.e164 } },
          {
            onSuccess: () => announceDone(`${number.e164} was released.`),
            onError: (error) => announceFailure(`${number.e164} was not released`, error),
          },
        ),
    });
  return (
    <Group justify="space-between" align="center" gap="sm" wrap="wrap">
      <Stack gap={4} miw={0}>
        <Text fw={600} ff="monospace" style={{ overflowWrap: 'anywhere' }}>
          {number.e164}
        </Text>
        {!mayManage && (
          <Text size="sm">{assigned ? `Answered by ${assigned.name}` : 'Not assigned to an agent'}</Text>
        )}
      </Stack>
      {mayManage && (
        <Group align="flex-end" gap="sm" wrap="wrap">
          <NativeSelect
            label="Answered by"
            // Each card's select says which number it is for; the visible label stays short.
            aria-label={`Answered by ${number.e164}`}
            data={[
              { value: '', label: 'Not assigned' },
              ...agents.map((a) => ({ value: a.id, label: a.name })),
            ]}
            value={number.agentId ?? ''}
            onChange={(e) => assign(e.currentTarget.value || null)}
            disabled={update.isPending}
            error={agentError}
            w={{ base: '100%', xs: 240 }}
          />
          <Button
            variant="light"
            color="red"
            leftSection={<IconTrash size={16} />}
            onClick={confirmRelease}
            loading={remove.isPending}
          >
            Release
          </Button>
        </Group>
      )}
    </Group>
  );
}

function NumberList({ orgId, mayManage }: { orgId: string; mayManage: boolean }) {
  const numbers = usePagedRoute(listPhoneNumbers, { params: { orgId }, query: { limit: pageSize } });
  // Only the org's own agents may answer its numbers; shared-in ones are left out.
  const agents = useRoute(listAgents, { params: { orgId }, query: { limit: 100 } });
  const own = (agents.data?.data.items ?? []).filter((a) => !a.shared);
  return (
    <PagedCardList
      list={numbers}
      label="Phone numbers"
      empty={
        <Empty
          icon={<IconPhone size={28} />}
          title="No phone numbers yet"
          description={
            mayManage
              ? 'Add the organization’s first number above, then choose the agent that answers it.'
              : 'An admin of the organization adds its numbers.'
          }
        />
      }
      keyOf={(n) => n.e164}
      card={(n) => <NumberCardContent orgId={orgId} number={n} agents={own} mayManage={mayManage} />}
    />
  );
}

export function PhoneNumbers() {
  const { orgId } = useParams() as { orgId: string };
  const { membership, may } = useMyMembership(orgId);
  const org = useRoute(getOrg, { params: { orgId } });
  const mayManage = may('phoneNumbers:manage');
  const limit = org.data?.data.limits.maxPhoneNumbers;
  return (
    <Stack maw={900} gap="lg">
      <Stack gap={4}>
        <Title order={1} size="h2">
          Phone numbers
        </Title>
        {limit !== undefined && (
          <Text c="dimmed" size="sm">
            The organization’s plan allows {limit.toLocaleString()} phone {limit === 1 ? 'number' : 'numbers'}
            .
          </Text>
        )}
      </Stack>
      {mayManage && <AddNumberForm orgId={orgId} />}
      <Loaded query={membership}>{() => <NumberList orgId={orgId} mayManage={mayManage} />}</Loaded>
    </Stack>
  );
}
