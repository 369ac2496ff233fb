/**
 * Platform-operator command: sets an organization's plan and SAML entitlement. Entitlements are
 * commercial decisions, so no customer's API body can carry them. Platform admins set them in the
 * admin console (PUT /admin/orgs/{orgId}/plan); an operator with IAM access to the table can also
 * run this script (credentials and region from the usual
 * AWS environment). The change is audited in the org's trail like any other.
 *
 *   TABLE_NAME=acp-prod-table npx tsx infra/scripts/set-entitlements.ts \
 *     --org org_01J... --plan starter --saml true --operator ops@example.com
 */
import { parseArgs } from 'node:util';
import * as z from 'zod/mini';
import { Email } from '../../functions/api/schemas/common';
import { OrgId, PlanName } from '../../functions/api/schemas/orgs';
import * as orgs from '../../functions/data/orgs';
import { auditEntry } from '../../functions/domain/audit';

export const EntitlementChange = z
  .strictObject({
    orgId: OrgId,
    plan: z.optional(PlanName),
    canSetupSaml: z.optional(z.boolean()),
    operator: Email,
  })
  .check(
    z.refine((c) => c.plan !== undefined || c.canSetupSaml !== undefined, {
      message: 'give --plan, --saml or both',
    }),
  );
export type EntitlementChange = z.infer<typeof EntitlementChange>;

/** The same domain rule and store the admin console's PUT /admin/orgs/{orgId}/plan uses. */
export async function setEntitlements(change: EntitlementChange, now = new Date()) {
  return orgs.setEntitlements(
    change.orgId,
    change,
    (before, after) => ({
      audit: auditEntry({
        orgId: before.id,
        actor: { userId: 'platform-operator', email: change.operator },
        action: 'org.entitlements_changed',
        target: { type: 'org', id: before.id },
        requestId: `operator-${now.getTime()}`,
        before,
        after,
        now,
      }),
    }),
    { now },
  );
}

function fromArgv(argv: string[]): EntitlementChange {
  const { values } = parseArgs({
    args: argv,
    options: {
      org: { type: 'string' },
      plan: { type: 'string' },
      saml: { type: 'string' },
      operator: { type: 'string' },
    },
  });
  const saml = values.saml === undefined ? undefined : values.saml === 'true';
  return EntitlementChange.parse({
    orgId: values.org,
    plan: values.plan,
    canSetupSaml: saml,
    operator: values.operator,
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  setEntitlements(fromArgv(process.argv.slice(2))).then(
    (org) =>
      process.stdout.write(
        `${org.id}: plan ${org.plan}, SAML ${org.canSetupSaml}, members up to ${org.limits.maxUsers}\n`,
      ),
    (error: unknown) => {
      const message = error instanceof z.core.$ZodError ? z.prettifyError(error) : (error as Error).message;
      process.stderr.write(`${message}\n`);
      process.exit(1);
    },
  );
}
