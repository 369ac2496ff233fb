import { useEffect, useMemo, useState } from 'react';
import { getMe, updateMe } from '../../functions/api/routes/profile';
import type { UserProfile } from '../../functions/api/schemas/me';
import { createClient, loadConfig, type Result, type RuntimeConfig } from './api';
import { completeHostedSignIn } from './hosted-sign-in';
import { pendingInviteToken } from './invite-link';
import { Calendar } from './pages/Calendar';
import { Org } from './pages/Org';
import { AcceptInvite, Orgs } from './pages/Orgs';
import { SignIn } from './pages/SignIn';
import { Welcome } from './pages/Welcome';
import { SessionContext, useHashRoute } from './session';

const tokenKey = 'acp.token';

function Page() {
  const [path] = useHashRoute();
  const org = /^\/orgs\/([^/]+)$/.exec(path);
  const calendar = /^\/orgs\/([^/]+)\/calendar$/.exec(path);
  const inviteToken = pendingInviteToken();
  if (inviteToken) return <AcceptInvite token={inviteToken} />;
  if (org) return <Org orgId={org[1]!} />;
  if (calendar) return <Calendar orgId={calendar[1]!} />;
  return <Orgs />;
}

export function App() {
  const [config, setConfig] = useState<RuntimeConfig>();
  const [token, setToken] = useState(() => sessionStorage.getItem(tokenKey) ?? undefined);
  const [profile, setProfile] = useState<Result<UserProfile>>();
  const [signInError, setSignInError] = useState<string>();
  const api = useMemo(() => (config && token ? createClient(config, token) : undefined), [config, token]);

  useEffect(() => {
    loadConfig().then(async (loaded) => {
      if (loaded.auth.mode === 'cognito') {
        try {
          const idToken = await completeHostedSignIn(loaded.auth);
          if (idToken) {
            sessionStorage.setItem(tokenKey, idToken);
            setToken(idToken);
          }
        } catch (error) {
          setSignInError(error instanceof Error ? error.message : String(error));
        }
      }
      setConfig(loaded);
    });
  }, []);
  useEffect(() => {
    api?.(getMe).then(setProfile, () => {
      sessionStorage.removeItem(tokenKey);
      setToken(undefined);
    });
  }, [api]);

  if (!config) return <p>Loading…</p>;
  if (!token || !api) {
    return (
      <SignIn
        config={config}
        error={signInError}
        onToken={(t) => {
          sessionStorage.setItem(tokenKey, t);
          setToken(t);
        }}
      />
    );
  }
  if (!profile) return <p>Loading profile…</p>;
  const me = profile.data;
  if (!me.welcomeFormCompleted) {
    return (
      <Welcome
        profile={me}
        save={async (timezone, theme) =>
          setProfile(await api(updateMe, { body: { timezone, preferences: { theme } }, etag: profile.etag }))
        }
      />
    );
  }
  const signOut = () => {
    sessionStorage.removeItem(tokenKey);
    setToken(undefined);
    setProfile(undefined);
  };
  return (
    <SessionContext.Provider value={{ api, profile: me, signOut }}>
      <header>
        <a href="#/">Agent Control Plane</a> <span>{me.name ?? me.email}</span>{' '}
        <span data-testid="timezone">{me.timezone}</span>{' '}
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main>
        <Page />
      </main>
    </SessionContext.Provider>
  );
}
