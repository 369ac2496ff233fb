/** Organization rules: a new org, settings changes, domains and the effective limits. */
import { ulid } from 'ulid';
import { planLimits } from '../api/plans';
import type { CreateOrgBody, Organization, UpdateOrgBody } from '../api/schemas/orgs';
import { type Refusal, refusals, refuse } from './refusal';

export function newOrg(body: CreateOrgBody, now: Date): Organization {
  const at = now.toISOString();
  const plan = 'free';
  const maxUsers = body.maxUsers ?? null;
  return {
    id: `org_${ulid(now.getTime())}`,
    name: body.name,
    displayName: body.displayName ?? null,
    description: body.description ?? null,
    domain: body.domain ?? null,
    extraDomains: body.extraDomains ?? [],
    autoJoinByDomain: body.autoJoinByDomain ?? false,
    membersMustHaveMatchingDomain: body.membersMustHaveMatchingDomain ?? false,
    maxUsers,
    allowOtherCalendarAccounts: body.allowOtherCalendarAccounts ?? false,
    canSetupSaml: false,
    plan,
    status: 'active',
    limits: limitsOf(plan, maxUsers),
    memberCount: 1,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
}

export function limitsOf(plan: Organization['plan'], maxUsers: number | null): Organization['limits'] {
  // The customer's own maxUsers can only lower what the plan grants.
  return {
    ...planLimits[plan],
    maxUsers: Math.min(planLimits[plan].maxUsers, maxUsers ?? Number.POSITIVE_INFINITY),
  };
}

/** Rules that hold for any settings, whether set at creation or by a later change. */
/**
 * One person may create only `max` orgs, ever: each org comes with its own free monthly model
 * tokens and rate limits, so unlimited orgs would multiply them. Deleting an org gives no creation
 * back, since the next one would start a fresh month's budget.
 */
export function orgsCreatedRefusal(max: number): Refusal {
  return refuse(
    'refused',
    `You have created ${max} organizations, the most one account may create (deleted ones count too). Ask to be invited into an existing one, or ask the platform operator.`,
  );
}

export function settingsRefusal(org: Organization): Refusal | null {
  if (!org.domain && org.autoJoinByDomain) {
    return refuse('refused', 'Auto-join by domain needs the organization’s domain.', 'autoJoinByDomain');
  }
  if (!org.domain && org.membersMustHaveMatchingDomain) {
    return refuse('refused', 'Requiring a matching domain needs the organization’s domain.', 'domain');
  }
  if (org.limits.maxUsers < org.memberCount) {
    const field = org.maxUsers !== null && org.maxUsers < org.memberCount ? 'maxUsers' : 'plan';
    return refuse(
      'refused',
      `The organization has ${org.memberCount} members, more than the new limit of ${org.limits.maxUsers}.`,
      field,
    );
  }
  return null;
}

/** A customer's own limit may only lower what the plan grants. */
export function maxUsersRefusal(
  plan: Organization['plan'],
  maxUsers: number | null | undefined,
): Refusal | null {
  const planMax = planLimits[plan].maxUsers;
  if (maxUsers === undefined || maxUsers === null || maxUsers <= planMax) return null;
  return refuse('refused', `The ${plan} plan allows at most ${planMax} members.`, 'maxUsers');
}

export function applyOrgUpdate(org: Organization, patch: UpdateOrgBody, now: Date): Organization | Refusal {
  const refusal = maxUsersRefusal(org.plan, patch.maxUsers);
  if (refusal) return refusal;
  const merged = { ...org, ...patch };
  const updated: Organization = {
    ...merged,
    limits: limitsOf(merged.plan, merged.maxUsers),
    updatedAt: now.toISOString(),
    version: org.version + 1,
  };
  return settingsRefusal(updated) ?? updated;
}

export interface Entitlements {
  plan?: Organization['plan'];
  canSetupSaml?: boolean;
}

/** The platform operator's change of plan or SAML entitlement; the customer's own maxUsers stays a ceiling. */
export function applyEntitlements(
  org: Organization,
  change: Entitlements,
  now: Date,
): Organization | Refusal {
  const plan = change.plan ?? org.plan;
  const updated: Organization = {
    ...org,
    plan,
    canSetupSaml: change.canSetupSaml ?? org.canSetupSaml,
    limits: limitsOf(plan, org.maxUsers),
    updatedAt: now.toISOString(),
    version: org.version + 1,
  };
  return settingsRefusal(updated) ?? updated;
}

export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

export function emailMatchesOrg(org: Pick<Organization, 'domain' | 'extraDomains'>, email: string): boolean {
  const domain = emailDomain(email);
  return [org.domain, ...org.extraDomains].some((d) => d === domain);
}

/** Auto-join is open to emails in one of the org's domains, when switched on. */
export function canAutoJoin(org: Organization, email: string): boolean {
  return org.autoJoinByDomain && emailMatchesOrg(org, email);
}

export function joinRefusal(org: Organization, emailVerified: boolean): Refusal | null {
  if (!emailVerified) return refusals.unverifiedEmail('before joining');
  if (org.status !== 'active') return refuse('refused', 'The organization is suspended.');
  return null;
}

/**
 * An org name as the platform's search compares it: compatibility-normalized, lower case, inner
 * whitespace collapsed, so "ACME  Corp" and "acme corp" are one prefix.
 */
export function searchName(name: string): string {
  return name.normalize('NFKC').toLowerCase().trim().replace(/\s+/g, ' ');
}

/** Suspending or reactivating: the org must be in the other state. */
export function statusChange(
  org: Organization,
  status: Organization['status'],
  now: Date,
): Organization | Refusal {
  if (org.status === status) {
    return refuse('conflict', `The organization is already ${status}.`);
  }
  return { ...org, status, updatedAt: now.toISOString(), version: org.version + 1 };
}
