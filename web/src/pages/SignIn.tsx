import { Alert, Button, Center, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { devSignIn, problemText, type RuntimeConfig } from '../app/api';
import { startHostedSignIn } from '../app/hosted-sign-in';

export function SignIn({
  config,
  onToken,
  notice,
  error: initialError,
}: {
  config: RuntimeConfig;
  onToken: (token: string) => void;
  /** Why the person is here again (a session that ended). */
  notice?: string | undefined;
  /** A sign-in that failed before this page showed (a hosted sign-in response refused). */
  error?: string | undefined;
}) {
  const [email, setEmail] = useState('');
  const [error, setError] = useState(initialError);
  const [busy, setBusy] = useState(false);
  const { auth } = config;

  const body = () => {
    if (auth.mode === 'cognito') {
      return (
        <Button onClick={() => startHostedSignIn(auth).catch((err) => setError(problemText(err)))}>
          Sign in
        </Button>
      );
    }
    if (auth.mode === 'propelauth') {
      return (
        <Text size="sm">
          This deployment trusts PropelAuth ({auth.issuer}). The admin site does not host PropelAuth sign-in
          yet; call the API with a PropelAuth access token.
        </Text>
      );
    }
    return (
      <form
        aria-label="Sign in"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          try {
            onToken(await devSignIn(config, email));
          } catch (err) {
            setError(problemText(err));
            setBusy(false);
          }
        }}
      >
        <Stack>
          <TextInput
            label="Email"
            name="email"
            type="email"
            required
            autoComplete="email"
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            description="The local identity provider signs in any email."
          />
          <Button type="submit" loading={busy}>
            Sign in
          </Button>
        </Stack>
      </form>
    );
  };

  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" w="100%" maw={420}>
        <Stack>
          <Title order={1} size="h2">
            Sign in
          </Title>
          <Text c="dimmed" size="sm">
            Agent Control Plane
          </Text>
          {notice && (
            <Alert color="yellow" role="status">
              {notice}
            </Alert>
          )}
          {body()}
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
        </Stack>
      </Paper>
    </Center>
  );
}
