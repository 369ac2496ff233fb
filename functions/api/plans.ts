/** Plans and the limits each grants: part of the API's vocabulary (plan names, the limits an org reports). */

export const plans = ['free', 'starter', 'professional', 'enterprise'] as const;
export type Plan = (typeof plans)[number];

export const planLimits = {
  free: { maxUsers: 5, maxAgents: 1, maxPhoneNumbers: 1 },
  starter: { maxUsers: 25, maxAgents: 5, maxPhoneNumbers: 5 },
  professional: { maxUsers: 100, maxAgents: 25, maxPhoneNumbers: 25 },
  enterprise: { maxUsers: 10_000, maxAgents: 500, maxPhoneNumbers: 1_000 },
} as const satisfies Record<Plan, { maxUsers: number; maxAgents: number; maxPhoneNumbers: number }>;
