/** The profile's own fields (name, time zone, theme), shared by the welcome form and the profile page. */
import { Button, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useId } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { updateMe } from '../../../functions/api/routes/profile';
import { UpdateMeBody } from '../../../functions/api/schemas/me';
import { useApiForm } from '../app/forms';
import { useSession } from '../app/session';
import { ProblemAlert } from './feedback';
import { TimeZoneSelect } from './TimeZoneSelect';

const themes = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

export function ProfileForm({
  label,
  initialTimeZone,
  intro,
  onSaved,
}: {
  label: string;
  initialTimeZone: string;
  intro: ReactNode;
  onSaved?: () => void;
}) {
  const { api, profile, profileEtag, setProfile } = useSession();
  const themeLabel = useId();
  const { form, problem, run } = useApiForm<{
    name: string;
    timezone: string;
    preferences: { theme: string };
  }>(UpdateMeBody, {
    initialValues: {
      name: profile.name ?? '',
      timezone: initialTimeZone,
      preferences: { theme: profile.preferences.theme ?? 'system' },
    },
  });
  return (
    <form
      aria-label={label}
      onSubmit={run(async (values) => {
        setProfile(await api(updateMe, { body: values as UpdateMeBody, etag: profileEtag }));
        onSaved?.();
      })}
    >
      <Stack>
        {intro}
        <TextInput label="Name" {...form.getInputProps('name')} />
        <TimeZoneSelect {...form.getInputProps('timezone')} />
        <div>
          <Text size="sm" fw={500} mb={4} id={themeLabel}>
            Theme
          </Text>
          <SegmentedControl
            aria-labelledby={themeLabel}
            data={themes}
            {...form.getInputProps('preferences.theme')}
          />
        </div>
        <ProblemAlert error={problem} />
        <Button type="submit" loading={form.submitting} w="fit-content">
          Save
        </Button>
      </Stack>
    </form>
  );
}
