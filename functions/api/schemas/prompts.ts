import * as z from 'zod/mini';
import { AuditActor } from './audit';
import { DisplayText, IsoDateTime, ListQuery, LongText } from './common';
import { OrgId } from './orgs';

/** A prompt's text is sent to a model on every message: bounded well below an item's 400 KB. */
export const maxPromptBytes = 32 * 1024;

export const PromptId = z
  .string()
  .check(z.regex(/^prm_[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a prompt id (prm_…)'));
export const PromptParams = z.strictObject({ orgId: OrgId, promptId: PromptId });
/** A version number in a path: digits only (no signs, exponents or hex), 1 to 999999. */
export const PromptVersionParams = z.extend(PromptParams, {
  version: z.pipe(
    z.string().check(z.regex(/^[1-9]\d{0,5}$/, 'must be a version number (1, 2, …)')),
    z.transform(Number),
  ),
});

const Description = z.nullable(z.string().check(z.trim(), z.maxLength(2000)));
/** Why this version was made, shown in the history ("tone down refunds"). */
const VersionNote = z
  .string()
  .check(z.trim(), z.maxLength(500), z.regex(/^[^\p{Cc}]*$/u, 'must be one line'));

export const CreatePromptBody = z.strictObject({
  name: DisplayText(100),
  description: z.optional(Description),
  text: LongText(maxPromptBytes),
  note: z.optional(VersionNote),
});
export type CreatePromptBody = z.infer<typeof CreatePromptBody>;

export const UpdatePromptBody = z
  .strictObject({
    name: z.optional(DisplayText(100)),
    description: z.optional(Description),
    text: z.optional(LongText(maxPromptBytes)),
    note: z.optional(VersionNote),
  })
  .check(
    z.refine((b) => b.name !== undefined || b.description !== undefined || b.text !== undefined, {
      message: 'give at least one of name, description and text to change',
      path: ['text'],
    }),
  );
export type UpdatePromptBody = z.infer<typeof UpdatePromptBody>;

/** The prompt as it is now: its latest version, and the agents pinning it or following it. */
export const Prompt = z
  .object({
    id: z.string(),
    orgId: z.string(),
    name: z.string(),
    description: z.nullable(z.string()),
    text: z.string(),
    /** The latest version's number; also the ETag a PATCH names in If-Match. */
    version: z.number().check(z.int()),
    /** Agents whose configuration names this prompt (pinned to a version or following the latest). */
    agentIds: z.array(z.string()),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
  })
  .register(z.globalRegistry, { id: 'Prompt' });
export type Prompt = z.infer<typeof Prompt>;

/** One immutable version: what the prompt was after a create or a change, by whom and when. */
export const PromptVersion = z
  .object({
    promptId: z.string(),
    version: z.number().check(z.int()),
    name: z.string(),
    description: z.nullable(z.string()),
    text: z.string(),
    note: z.nullable(z.string()),
    /** The person ({userId, email}) or API client ({apiClientId, name}) who wrote it. */
    author: AuditActor,
    createdAt: IsoDateTime,
  })
  .register(z.globalRegistry, { id: 'PromptVersion' });
export type PromptVersion = z.infer<typeof PromptVersion>;

export const PromptListQuery = ListQuery;

/** An agent's prompt: a fixed version, or whichever is latest when a message is answered. */
export const AgentPromptRef = z
  .strictObject({
    promptId: PromptId,
    version: z.union([z.number().check(z.int(), z.gte(1), z.lte(999999)), z.literal('latest')]),
  })
  .register(z.globalRegistry, { id: 'AgentPromptRef' });
export type AgentPromptRef = z.infer<typeof AgentPromptRef>;
