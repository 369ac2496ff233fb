/**
 * The gate in front of the console: runtime config, sign-in (dev, Cognito hosted UI), the caller's
 * profile and the welcome form; then the routed console with the session every page uses.
 */
import { MantineProvider } from '@mantine/core';
import { ModalsProvider } from '@mantine/modals';
import { Notifications } from '@mantine/notifications';
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import type { UserProfile } from '../../functions/api/schemas/me';
import { loadConfig, prefetchProfile, type Result, type RuntimeConfig } from './app/api';
import { completeHostedSignIn } from './app/hosted-sign-in';
import { forgetToken, msUntilExpiry, onOtherTabChange, storedToken, storeToken } from './app/session';
import { cssVariables, theme } from './app/theme';
import { Loading } from './components/feedback';
import { SignIn } from './pages/SignIn';

type Theme = UserProfile['preferences']['theme'];

// Started as the code loads rather than after the first render: index.html preloads the file, so
// this fetch takes the response already under way.
const configLoad = loadConfig();

// The signed-in console (router, layout, schemas) is its own chunk: the sign-in page needs none of
// it. Someone already signed in needs it at once, so its download starts beside the config's.
const loadConsole = () => import('./Console');
const startToken = storedToken();
if (startToken) void loadConsole();

// The profile of the session this tab starts with, requested as soon as the config is known.
let startProfile = startToken ? configLoad.then((config) => prefetchProfile(config, startToken)) : undefined;
// Handled where it is taken (Console); this keeps an early refusal from being reported as unhandled.
startProfile?.catch(() => undefined);

/** That early GET /me, once, for the token it was sent with; any later load asks anew. */
function takeEarlyProfile(token: string): Promise<Result<UserProfile>> | undefined {
  const early = token === startToken ? startProfile : undefined;
  startProfile = undefined;
  return early;
}
const Console = lazy(() => loadConsole().then((m) => ({ default: m.Console })));

function Gate({ onTheme }: { onTheme(theme: Theme): void }) {
  const [config, setConfig] = useState<RuntimeConfig>();
  const [token, setToken] = useState(() => storedToken());
  const [notice, setNotice] = useState<string>();
  const [signInError, setSignInError] = useState<string>();

  const signOut = useCallback(
    (reason?: string) => {
      forgetToken();
      setToken(undefined);
      setNotice(reason);
      onTheme(undefined);
    },
    [onTheme],
  );

  useEffect(() => {
    configLoad.then(async (loaded) => {
      if (loaded.auth.mode === 'cognito') {
        try {
          const idToken = await completeHostedSignIn(loaded.auth);
          if (idToken) {
            storeToken(idToken);
            setToken(idToken);
          }
        } catch (err) {
          setSignInError(err instanceof Error ? err.message : String(err));
        }
      }
      setConfig(loaded);
    });
  }, []);

  // Expiry ends the session where it stands, and another tab's sign-in or sign-out reaches this one.
  useEffect(() => {
    if (!token) return undefined;
    const timer = setTimeout(
      () => signOut('Your session expired; sign in again.'),
      Math.max(0, msUntilExpiry(token)),
    );
    return () => clearTimeout(timer);
  }, [token, signOut]);
  useEffect(() => onOtherTabChange(() => setToken(storedToken())), []);

  if (!config) return <Loading label="Starting" />;
  if (!token) {
    return (
      <SignIn
        config={config}
        notice={notice}
        error={signInError}
        onToken={(t) => {
          storeToken(t);
          setNotice(undefined);
          setToken(t);
        }}
      />
    );
  }
  return (
    <Suspense fallback={<Loading label="Loading the console" />}>
      <Console
        config={config}
        token={token}
        takeEarlyProfile={takeEarlyProfile}
        onSignOut={signOut}
        onTheme={onTheme}
      />
    </Suspense>
  );
}

export function App() {
  // The profile's theme preference decides the color scheme; "system" (or none) follows the OS.
  const [preference, setPreference] = useState<Theme>();
  const scheme = preference === 'light' || preference === 'dark' ? preference : undefined;
  return (
    <MantineProvider
      theme={theme}
      cssVariablesResolver={cssVariables}
      defaultColorScheme="auto"
      forceColorScheme={scheme}
    >
      <ModalsProvider>
        <Notifications position="top-right" />
        <Gate onTheme={setPreference} />
      </ModalsProvider>
    </MantineProvider>
  );
}
