import { Center, Paper, Text, Title } from '@mantine/core';
import { useSession } from '../app/session';
import { ProfileForm } from '../components/ProfileForm';

/** The first form after sign-in: name, time zone and theme; saving it opens the console. */
export function Welcome() {
  const { profile } = useSession();
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" w="100%" maw={480}>
        <ProfileForm
          label="Welcome"
          // A first guess the person confirms: the browser's zone, where it has one.
          initialTimeZone={Intl.DateTimeFormat().resolvedOptions().timeZone || profile.timezone}
          intro={
            <>
              <Title order={1} size="h2">
                Welcome, {profile.name ?? profile.email}
              </Title>
              <Text c="dimmed" size="sm">
                A few details so times and the console look right for you.
              </Text>
            </>
          }
        />
      </Paper>
    </Center>
  );
}
