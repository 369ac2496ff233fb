import { Button, Card, SegmentedControl, Stack, Text, TextInput, Title } from '@mantine/core';
import { updateMe } from '../../../functions/api/routes/profile';
import { UpdateMeBody } from '../../../functions/api/schemas/me';
import { useApiForm } from '../app/forms';
import { useSession } from '../app/session';
import { announceDone, ProblemAlert } from '../components/feedback';
import { TimeZoneSelect } from '../components/TimeZoneSelect';
import { themes } from './Welcome';

export function Profile() {
  const { api, profile, profileEtag, setProfile } = useSession();
  const { form, problem, run } = useApiForm<{
    name: string;
    timezone: string;
    preferences: { theme: string };
  }>(UpdateMeBody, {
    initialValues: {
      name: profile.name ?? '',
      timezone: profile.timezone,
      preferences: { theme: profile.preferences.theme ?? 'system' },
    },
  });
  return (
    <Stack maw={560}>
      <Title order={1} size="h2">
        Profile
      </Title>
      <Card withBorder>
        <form
          aria-label="Profile"
          onSubmit={run(async (values) => {
            setProfile(await api(updateMe, { body: values as UpdateMeBody, etag: profileEtag }));
            announceDone('Profile saved.');
          })}
        >
          <Stack>
            <Text size="sm" c="dimmed">
              Signed in as {profile.email}
            </Text>
            <TextInput label="Name" {...form.getInputProps('name')} />
            <TimeZoneSelect {...form.getInputProps('timezone')} />
            <div>
              <Text size="sm" fw={500} mb={4} id="profile-theme-label">
                Theme
              </Text>
              <SegmentedControl
                aria-labelledby="profile-theme-label"
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
      </Card>
    </Stack>
  );
}
