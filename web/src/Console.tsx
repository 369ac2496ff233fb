/**
 * The signed-in console: the caller's profile, the welcome form until it is filled in, then the
 * routed pages, all sharing one session.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { RouterProvider } from 'react-router';
import { getMe } from '../../functions/api/routes/profile';
import type { UserProfile } from '../../functions/api/schemas/me';
import { ApiError, createClient, type Result, type RuntimeConfig } from './app/api';
import { routeKey } from './app/queries';
import { SessionContext } from './app/session';
import { Loading, ProblemAlert } from './components/feedback';
import { Welcome } from './pages/Welcome';
import { router } from './router';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      // A refusal will not change by asking again; a network blip may.
      retry: (failures, error) => !(error instanceof ApiError && error.problem.status > 0) && failures < 2,
    },
  },
});

type Theme = UserProfile['preferences']['theme'];

export function Console({
  config,
  token,
  takeEarlyProfile,
  onSignOut,
  onTheme,
}: {
  config: RuntimeConfig;
  token: string;
  /** GET /me already under way for the session the tab started with (App.tsx), given out once. */
  takeEarlyProfile?(token: string): Promise<Result<UserProfile>> | undefined;
  onSignOut(reason?: string): void;
  onTheme(theme: Theme): void;
}) {
  const api = useMemo(() => createClient(config, token), [config, token]);
  const [profile, setProfile] = useState<Result<UserProfile>>();
  const [error, setError] = useState<unknown>();
  const theme = profile?.data.preferences.theme;
  // Nothing one person saw may be shown to whoever signs in next in this tab.
  useEffect(() => () => queryClient.clear(), []);
  useEffect(() => onTheme(theme), [theme, onTheme]);

  // One GET /me per session: fetched into the query cache, where the pages asking for it (the
  // account menu's platform role) find it instead of asking again. Always fetched afresh here, so a
  // new token never starts from a profile cached for the one before; the tab's first token takes
  // the answer already requested for it.
  useEffect(() => {
    const early = takeEarlyProfile?.(token);
    const me = queryClient.fetchQuery({
      queryKey: routeKey(getMe),
      queryFn: () => early ?? api(getMe),
      staleTime: 0,
    });
    me.then(setProfile, (err) => {
      if (err instanceof ApiError && err.problem.status === 401)
        onSignOut('Your session ended; sign in again.');
      else setError(err);
    });
  }, [api, token, takeEarlyProfile, onSignOut]);

  if (error) return <ProblemAlert error={error} title="Could not load your profile" />;
  if (!profile) return <Loading label="Loading your profile" />;
  const session = {
    api,
    token,
    config,
    profile: profile.data,
    profileEtag: profile.etag,
    setProfile,
    signOut: onSignOut,
  };
  return (
    <SessionContext.Provider value={session}>
      <QueryClientProvider client={queryClient}>
        {profile.data.welcomeFormCompleted ? <RouterProvider router={router} /> : <Welcome />}
      </QueryClientProvider>
    </SessionContext.Provider>
  );
}
