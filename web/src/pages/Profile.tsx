import { Card, Stack, Text, Title } from '@mantine/core';
import { useSession } from '../app/session';
import { announceDone } from '../components/feedback';
import { ProfileForm } from '../components/ProfileForm';

export function Profile() {
  const { profile } = useSession();
  return (
    <Stack maw={560}>
      <Title order={1} size="h2">
        Profile
      </Title>
      <Card withBorder>
        <ProfileForm
          label="Profile"
          initialTimeZone={profile.timezone}
          intro={
            <Text size="sm" c="dimmed">
              Signed in as {profile.email}
            </Text>
          }
          onSaved={() => announceDone('Profile saved.')}
        />
      </Card>
    </Stack>
  );
}
