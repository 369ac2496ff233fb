import * as z from 'zod';
import { platformRoles } from '../permissions';
import { DisplayText, IsoDateTime, TimeZone } from './common';

export const Preferences = z.strictObject({
  locale: z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'must be a language tag such as en or en-GB')
    .optional(),
  theme: z.enum(['system', 'light', 'dark']).optional(),
  emailNotifications: z.boolean().optional(),
  weekStartsOn: z.enum(['monday', 'sunday']).optional(),
});
export type Preferences = z.infer<typeof Preferences>;

export const UserProfile = z
  .object({
    id: z.string(),
    email: z.string(),
    emailVerified: z.boolean(),
    name: z.string().nullable(),
    picture: z.string().nullable(),
    timezone: z.string(),
    preferences: Preferences,
    welcomeFormCompleted: z.boolean(),
    canCreateOrgs: z.boolean(),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
    version: z.number().int(),
  })
  .meta({ id: 'UserProfile' });
export type UserProfile = z.infer<typeof UserProfile>;

/** GET /me: the profile, plus the caller's platform role (null for everyone but platform admins). */
export const Me = UserProfile.extend({ platformRole: z.enum(platformRoles).nullable() }).meta({ id: 'Me' });
export type Me = z.infer<typeof Me>;

/** The welcome form: saving it marks the form completed. */
export const UpdateMeBody = z.strictObject({
  name: DisplayText(200).optional(),
  timezone: TimeZone.optional(),
  preferences: Preferences.optional(),
});
export type UpdateMeBody = z.infer<typeof UpdateMeBody>;

export const Health = z.object({
  status: z.literal('ok'),
  stage: z.string(),
  time: IsoDateTime,
  /** With ?deep=1: each dependency the API needs, checked now. */
  checks: z.object({ dynamodb: z.literal('ok') }).optional(),
});

export const HealthQuery = z.strictObject({
  deep: z.enum(['1', 'true']).optional(),
});
