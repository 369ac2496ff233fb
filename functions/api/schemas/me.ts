import * as z from 'zod/mini';
import { platformRoles } from '../permissions';
import { DisplayText, IsoDateTime, TimeZone } from './common';

export const Preferences = z.strictObject({
  locale: z.optional(
    z.string().check(z.regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'must be a language tag such as en or en-GB')),
  ),
  theme: z.optional(z.enum(['system', 'light', 'dark'])),
  emailNotifications: z.optional(z.boolean()),
  weekStartsOn: z.optional(z.enum(['monday', 'sunday'])),
});
export type Preferences = z.infer<typeof Preferences>;

export const UserProfile = z
  .object({
    id: z.string(),
    email: z.string(),
    emailVerified: z.boolean(),
    name: z.nullable(z.string()),
    picture: z.nullable(z.string()),
    timezone: z.string(),
    preferences: Preferences,
    welcomeFormCompleted: z.boolean(),
    canCreateOrgs: z.boolean(),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
    version: z.number().check(z.int()),
  })
  .register(z.globalRegistry, { id: 'UserProfile' });
export type UserProfile = z.infer<typeof UserProfile>;

/** GET /me: the profile, plus the caller's platform role (null for everyone but platform admins). */
export const Me = z
  .extend(UserProfile, { platformRole: z.nullable(z.enum(platformRoles)) })
  .register(z.globalRegistry, { id: 'Me' });
export type Me = z.infer<typeof Me>;

/** The welcome form: saving it marks the form completed. */
export const UpdateMeBody = z.strictObject({
  name: z.optional(DisplayText(200)),
  timezone: z.optional(TimeZone),
  preferences: z.optional(Preferences),
});
export type UpdateMeBody = z.infer<typeof UpdateMeBody>;

export const Health = z.object({
  status: z.literal('ok'),
  stage: z.string(),
  time: IsoDateTime,
  /** With ?deep=1: each dependency the API needs, checked now. */
  checks: z.optional(z.object({ dynamodb: z.literal('ok') })),
});

export const HealthQuery = z.strictObject({
  deep: z.optional(z.enum(['1', 'true'])),
});
