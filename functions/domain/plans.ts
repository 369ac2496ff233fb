/** Plans and the limits each grants; an org's effective member limit is the lower of its plan and maxUsers. */

export const plans = ['free', 'starter', 'professional', 'enterprise'] as const;
export type Plan = (typeof plans)[number];

export const planLimits = {
  free: { maxUsers: 5, maxAgents: 1, maxPhoneNumbers: 1 },
  starter: { maxUsers: 25, maxAgents: 5, maxPhoneNumbers: 5 },
  professional: { maxUsers: 100, maxAgents: 25, maxPhoneNumbers: 25 },
  enterprise: { maxUsers: 10_000, maxAgents: 500, maxPhoneNumbers: 1_000 },
} as const satisfies Record<Plan, { maxUsers: number; maxAgents: number; maxPhoneNumbers: number }>;

export function memberLimit(plan: Plan, maxUsers: number | null): number {
  return Math.min(planLimits[plan].maxUsers, maxUsers ?? Number.POSITIVE_INFINITY);
}
