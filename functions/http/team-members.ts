import {
  createTeamMember,
  deleteTeamMember,
  getTeamMember,
  listTeamMembers,
  updateTeamMember,
} from '../api/routes/team-members';
import type { TeamMember } from '../api/schemas/team-members';
import * as team from '../data/team-members';
import { applyTeamMemberChange, newTeamMember } from '../domain/team-members';
import { httpHandler, implement } from './pipeline/handler';
import { checkIfMatch, found, lostRace } from './pipeline/refusals';

const target = (member: TeamMember) => ({ type: 'team_member', id: member.id });

export const handler = httpHandler([
  implement(createTeamMember, async ({ params, body, audit, now }) => {
    const member = newTeamMember(params.orgId, body, now);
    await team.createTeamMember(
      member,
      audit({ action: 'team_member.created', target: target(member), after: member }),
    );
    return { body: member };
  }),

  implement(listTeamMembers, async ({ params, query }) => ({
    body: await team.listTeamMembers(params.orgId, query),
  })),

  implement(getTeamMember, async ({ params }) => ({
    body: found(await team.getTeamMember(params.orgId, params.teamMemberId)),
  })),

  implement(updateTeamMember, async ({ params, body, ifMatch, audit, now }) => {
    const current = found(await team.getTeamMember(params.orgId, params.teamMemberId));
    checkIfMatch(ifMatch, current);
    const updated = applyTeamMemberChange(current, body, now);
    if (updated === current) return { body: current };
    await team.saveTeamMember(
      updated,
      current,
      audit({ action: 'team_member.updated', target: target(current), before: current, after: updated }),
      lostRace(ifMatch, 'team member'),
    );
    return { body: updated };
  }),

  implement(deleteTeamMember, async ({ params, ifMatch, audit }) => {
    const current = found(await team.getTeamMember(params.orgId, params.teamMemberId));
    checkIfMatch(ifMatch, current);
    await team.deleteTeamMember(
      current,
      audit({ action: 'team_member.deleted', target: target(current), before: current }),
      lostRace(ifMatch, 'team member'),
    );
    return {};
  }),
]);
