/** The signed-in session (API client + profile) and the hash route, shared by every page. */
import { createContext, useCallback, useContext, useEffect, useState } from 'react';
import type { UserProfile } from '../../functions/api/schemas/me';
import type { Client } from './api';

export interface Session {
  api: Client;
  profile: UserProfile;
  signOut(): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

export function useHashRoute(): [string, URLSearchParams] {
  const read = () => {
    const [path = '/', query = ''] = window.location.hash.replace(/^#/, '').split('?');
    return [path || '/', new URLSearchParams(query)] as [string, URLSearchParams];
  };
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const onChange = () => setRoute(read());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

/** Loads data for a page and reloads it on demand (after a mutation). */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [state, setState] = useState<{ data?: T; error?: unknown }>({});
  // biome-ignore lint/correctness/useExhaustiveDependencies: callers list what the loader depends on
  const reload = useCallback(() => {
    load().then(
      (data) => setState({ data }),
      (error) => setState({ error }),
    );
  }, deps);
  useEffect(reload, [reload]);
  return { ...state, reload };
}
