/** Plans and the limits each grants: part of the API's vocabulary (plan names, the limits an org reports). */

export const plans = ['free', 'starter', 'professional', 'enterprise'] as const;
export type Plan = (typeof plans)[number];

export const planLimits = {
  free: { maxUsers: 5, maxAgents: 1, maxPhoneNumbers: 1 },
  starter: { maxUsers: 25, maxAgents: 5, maxPhoneNumbers: 5 },
  professional: { maxUsers: 100, maxAgents: 25, maxPhoneNumbers: 25 },
  enterprise: { maxUsers: 10_000, maxAgents: 500, maxPhoneNumbers: 1_000 },
} as const satisfies Record<Plan, { maxUsers: number; maxAgents: number; maxPhoneNumbers: number }>;

/**
 * Model tokens (input + output) an org's conversations may use per UTC calendar month. Kept apart
 * from planLimits: those are stored on the org item as its effective limits, while the token budget
 * is read from the plan at each message, so a plan change applies at once.
 */
export const monthlyTokens = {
  free: 100_000,
  starter: 2_000_000,
  professional: 20_000_000,
  enterprise: 200_000_000,
} as const satisfies Record<Plan, number>;
