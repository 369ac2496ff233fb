/**
 * The signed-in session: the token in local storage (so a new tab or a reload stays signed in),
 * dropped when it expires or any tab signs out, and the API client built from it.
 */
import { createContext, useContext } from 'react';
import type { UserProfile } from '../../../functions/api/schemas/me';
import type { Client, Result, RuntimeConfig } from './api';

const storageKey = 'acp.session';
/** Sign out a little before the token expires rather than fail a request with it. */
const marginMs = 30_000;

function expiryOf(token: string): number | undefined {
  try {
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/')));
    return typeof payload.exp === 'number' ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** The stored token while it is still valid; an expired one is removed. */
export function storedToken(now = Date.now()): string | undefined {
  const token = localStorage.getItem(storageKey) ?? undefined;
  if (!token) return undefined;
  const expiry = expiryOf(token);
  if (expiry === undefined || expiry - marginMs <= now) {
    localStorage.removeItem(storageKey);
    return undefined;
  }
  return token;
}

export function storeToken(token: string): void {
  localStorage.setItem(storageKey, token);
}

export function forgetToken(): void {
  localStorage.removeItem(storageKey);
}

/** Milliseconds until the token should no longer be used. */
export function msUntilExpiry(token: string, now = Date.now()): number {
  return (expiryOf(token) ?? now) - marginMs - now;
}

/** Calls `onChange` when another tab signs in or out. */
export function onOtherTabChange(onChange: () => void): () => void {
  const listener = (event: StorageEvent) => {
    if (event.key === storageKey) onChange();
  };
  window.addEventListener('storage', listener);
  return () => window.removeEventListener('storage', listener);
}

export interface Session {
  api: Client;
  /** For the live channels, which authorize with the same token (web/src/app/live.ts). */
  token: string;
  config: RuntimeConfig;
  profile: UserProfile;
  /** After a change to the profile (PATCH /me answers the new one). */
  setProfile(result: Result<UserProfile>): void;
  profileEtag: string | undefined;
  signOut(reason?: string): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}
