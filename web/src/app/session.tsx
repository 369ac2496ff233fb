/** The signed-in session (API client + profile) and the hash route, shared by every page. */
import { createContext, useContext, useEffect, useRef, useState } from 'react';
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

function readHash(): [string, URLSearchParams] {
  const [path = '/', query = ''] = window.location.hash.replace(/^#/, '').split('?');
  return [path || '/', new URLSearchParams(query)];
}

export function useHashRoute(): [string, URLSearchParams] {
  const [route, setRoute] = useState(readHash);
  useEffect(() => {
    const onChange = () => setRoute(readHash());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

/** Loads data for a page; loads again when `key` changes or after a mutation calls reload(). */
export function useLoad<T>(load: () => Promise<T>, key: string) {
  const loader = useRef(load);
  loader.current = load;
  const [state, setState] = useState<{ data?: T; error?: unknown }>({});
  const [generation, setGeneration] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: key and generation are the triggers; the loader is read through a ref
  useEffect(() => {
    let current = true;
    loader.current().then(
      (data) => current && setState({ data }),
      (error) => current && setState({ error }),
    );
    return () => {
      current = false;
    };
  }, [key, generation]);
  return { ...state, reload: () => setGeneration((g) => g + 1) };
}
