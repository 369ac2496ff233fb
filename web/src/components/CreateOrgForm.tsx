/** The create-organization form, on Home and in the organization switcher's dialog. */
import { Button, Stack, TextInput } from '@mantine/core';
import type { ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { createOrg } from '../../../functions/api/routes/tenancy';
import { CreateOrgBody } from '../../../functions/api/schemas/orgs';
import { useApiForm } from '../app/forms';
import { useChange } from '../app/queries';
import { ProblemAlert } from './feedback';

export function CreateOrgForm({
  heading,
  onCreated,
  autoFocus,
}: {
  heading?: ReactNode;
  onCreated?(): void;
  autoFocus?: boolean;
}) {
  const navigate = useNavigate();
  const create = useChange(createOrg);
  const { form, problem, run } = useApiForm<{ name: string }>(CreateOrgBody, { initialValues: { name: '' } });
  return (
    <form
      aria-label="Create organization"
      onSubmit={run(async (values) => {
        const { data } = await create.mutateAsync({ body: values });
        onCreated?.();
        navigate(`/orgs/${data.id}`);
      })}
    >
      <Stack>
        {heading}
        <TextInput
          label="Organization name"
          name="orgName"
          data-autofocus={autoFocus || undefined}
          {...form.getInputProps('name')}
        />
        <ProblemAlert error={problem} />
        <Button type="submit" loading={create.isPending} w="fit-content">
          Create
        </Button>
      </Stack>
    </form>
  );
}
