import * as z from 'zod/mini';
import { DisplayText, IsoDateTime } from './common';
import { OrgId, type OrgRole } from './orgs';

/** Cognito app client ids (the pattern Cognito documents for ClientId). */
export const ApiClientId = z.string().check(z.regex(/^[\w+]{1,128}$/, 'must be an API client id'));
export const ApiClientParams = z.strictObject({ orgId: OrgId, clientId: ApiClientId });

/** An API client acts with one org role, never owner: owners are people who can be held to account. */
export const ApiClientRole = z.enum(['admin', 'manager', 'member', 'viewer'], {
  message: 'must be admin, manager, member or viewer (an API client is never an owner)',
}) satisfies z.ZodMiniType<Exclude<z.infer<typeof OrgRole>, 'owner'>>;

export const CreateApiClientBody = z.strictObject({ name: DisplayText(100), role: ApiClientRole });
export type CreateApiClientBody = z.infer<typeof CreateApiClientBody>;

export const ApiClient = z
  .object({
    clientId: z.string(),
    orgId: z.string(),
    name: z.string(),
    role: ApiClientRole,
    createdBy: z.object({ userId: z.string(), email: z.string() }),
    createdAt: IsoDateTime,
  })
  .register(z.globalRegistry, { id: 'ApiClient' });
export type ApiClient = z.infer<typeof ApiClient>;

/** The create answer: the only time the client secret is ever shown. */
export const CreatedApiClient = z
  .extend(ApiClient, {
    clientSecret: z.string(),
    /** What to ask the token endpoint for (grant_type=client_credentials). */
    scope: z.string(),
    /** The OAuth 2.0 token endpoint to send the id and secret to; null where none is configured. */
    tokenUrl: z.nullable(z.string()),
  })
  .register(z.globalRegistry, { id: 'CreatedApiClient' });
export type CreatedApiClient = z.infer<typeof CreatedApiClient>;
