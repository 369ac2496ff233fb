/**
 * The caller's own membership of an org, which every org page reads to decide what to offer:
 * `membership` fits `<Loaded>`, `may(permission)` is false until the role is known.
 */
import { can, type Permission } from '../../../functions/api/permissions';
import { getMyMembership } from '../../../functions/api/routes/tenancy';
import { useRoute } from './queries';

export function useMyMembership(orgId: string) {
  const query = useRoute(getMyMembership, { params: { orgId } });
  const role = query.data?.data.role;
  return {
    membership: { ...query, data: query.data?.data },
    may: (permission: Permission) => role !== undefined && can(role, permission),
  };
}
