/** The org's members as people, so a record that names someone by user id can show who they are. */
import { can } from '../../../functions/api/permissions';
import { getMyMembership, listMembers } from '../../../functions/api/routes/tenancy';
import type { Member } from '../../../functions/api/schemas/members';
import { useRoute } from './queries';

export function useMemberDirectory(orgId: string) {
  const me = useRoute(getMyMembership, { params: { orgId } });
  const role = me.data?.data.role;
  const members = useRoute(
    listMembers,
    { params: { orgId }, query: { limit: 100 } },
    !!role && can(role, 'members:read'),
  );
  const memberList = members.data?.data.items ?? [];
  return {
    role,
    members: memberList,
    /** Who someone missing from the list is: gone only once the list has loaded. */
    absent: members.isSuccess ? 'A former member' : 'A member',
    /** The member with this user id, if they are in the list (and the role may read it). */
    memberOf: (userId: string): Member | undefined => memberList.find((m) => m.userId === userId),
    /** A name for an avatar or a sentence; `fallback` stands for someone not in the list. */
    labelOf: (userId: string, fallback: string) => {
      const member = memberList.find((m) => m.userId === userId);
      return member?.name || member?.email || fallback;
    },
  };
}
