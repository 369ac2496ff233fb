import { Button, Center, Paper, SegmentedControl, Stack, Text, TextInput, Title } from '@mantine/core';
import { updateMe } from '../../../functions/api/routes/profile';
import { UpdateMeBody } from '../../../functions/api/schemas/me';
import { useApiForm } from '../app/forms';
import { useSession } from '../app/session';
import { ProblemAlert } from '../components/feedback';
import { TimeZoneSelect } from '../components/TimeZoneSelect';

export const themes = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

/** The first form after sign-in: name, time zone and theme; saving it opens the console. */
export function Welcome() {
  const { api, profile, profileEtag, setProfile } = useSession();
  const { form, problem, run } = useApiForm<{
    name: string;
    timezone: string;
    preferences: { theme: string };
  }>(UpdateMeBody, {
    initialValues: {
      name: profile.name ?? '',
      timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || profile.timezone,
      preferences: { theme: profile.preferences.theme ?? 'system' },
    },
  });
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" w="100%" maw={480}>
        <form
          aria-label="Welcome"
          onSubmit={run(async (values) =>
            setProfile(await api(updateMe, { body: values as UpdateMeBody, etag: profileEtag })),
          )}
        >
          <Stack>
            <Title order={1} size="h2">
              Welcome, {profile.name ?? profile.email}
            </Title>
            <Text c="dimmed" size="sm">
              A few details so times and the console look right for you.
            </Text>
            <TextInput label="Name" {...form.getInputProps('name')} />
            <TimeZoneSelect {...form.getInputProps('timezone')} />
            <div>
              <Text size="sm" fw={500} mb={4} id="theme-label">
                Theme
              </Text>
              <SegmentedControl
                aria-labelledby="theme-label"
                data={themes}
                {...form.getInputProps('preferences.theme')}
              />
            </div>
            <ProblemAlert error={problem} />
            <Button type="submit" loading={form.submitting}>
              Save
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
