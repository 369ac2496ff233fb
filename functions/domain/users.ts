/** User profile rules: the just-in-time profile from token claims and the welcome form. */
import type { UpdateMeBody, UserProfile } from '../api/schemas/me';

/** Who a verified token says the caller is (http/pipeline/auth.ts builds it). */
export interface Identity {
  sub: string;
  issuer: string;
  email: string;
  emailVerified: boolean;
  name: string | null;
  picture: string | null;
}

export const defaultTimezone = 'UTC';

export function profileFromIdentity(identity: Identity, now: Date): UserProfile {
  const at = now.toISOString();
  return {
    id: identity.sub,
    email: identity.email,
    emailVerified: identity.emailVerified,
    name: identity.name,
    picture: identity.picture,
    timezone: defaultTimezone,
    preferences: {},
    welcomeFormCompleted: false,
    canCreateOrgs: true,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
}

export function applyWelcomeForm(profile: UserProfile, form: UpdateMeBody, now: Date): UserProfile {
  return {
    ...profile,
    name: form.name ?? profile.name,
    timezone: form.timezone ?? profile.timezone,
    preferences: { ...profile.preferences, ...form.preferences },
    welcomeFormCompleted: true,
    updatedAt: now.toISOString(),
    version: profile.version + 1,
  };
}

/**
 * The identity provider owns the email: a verified claim that differs from the profile replaces it
 * (an unverified one never does, or anyone could claim an address by changing it at a lax provider).
 */
export function followVerifiedEmail(profile: UserProfile, identity: Identity, now: Date): UserProfile | null {
  if (!identity.emailVerified || identity.email === profile.email) return null;
  return {
    ...profile,
    email: identity.email,
    emailVerified: true,
    updatedAt: now.toISOString(),
    version: profile.version + 1,
  };
}
