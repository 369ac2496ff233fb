import { deleteDispatchRule, routeNumber } from '../adapters/livekit';
import {
  createPhoneNumber,
  deletePhoneNumber,
  listPhoneNumbers,
  updatePhoneNumber,
} from '../api/routes/phone-numbers';
import type { PhoneNumber } from '../api/schemas/phone-numbers';
import * as orgs from '../data/orgs';
import * as phoneNumbers from '../data/phone-numbers';
import { assignPhoneNumber, newPhoneNumber, phoneNumberRefusals } from '../domain/phone-numbers';
import { logger } from '../lib/logger';
import { httpHandler, implement } from './pipeline/handler';
import { checkIfMatch, found, lostRace } from './pipeline/refusals';

const numberTarget = (number: PhoneNumber) => ({ type: 'phone_number', id: number.e164 });

const nothingToUndo = async () => {};

/**
 * LiveKit first (a failure is a 502 with nothing written): the number's dispatch rule made to send
 * its calls to `agentId` (created, or replaced in place), or deleted when unassigned. Returns the
 * rule to store and how to put LiveKit back if the write that follows is refused. An unassignment
 * is not undone: a rule is never left routing calls the table no longer explains.
 */
async function reroute(
  number: phoneNumbers.StoredPhoneNumber,
  agentId: string | null,
): Promise<{ ruleId: string | null; undo(): Promise<void> }> {
  const previous = number.sipDispatchRuleId;
  if (agentId === null) {
    if (previous) await deleteDispatchRule(previous);
    return { ruleId: null, undo: nothingToUndo };
  }
  if (agentId === number.agentId && previous) return { ruleId: previous, undo: nothingToUndo };
  const ruleId = await routeNumber({ orgId: number.orgId, agentId, e164: number.e164, ruleId: previous });
  const undo = async () => {
    if (!ruleId) return;
    if (previous && number.agentId) {
      await routeNumber({
        orgId: number.orgId,
        agentId: number.agentId,
        e164: number.e164,
        ruleId: previous,
      });
    } else await deleteDispatchRule(ruleId);
  };
  return { ruleId, undo };
}

export const handler = httpHandler([
  implement(createPhoneNumber, async ({ params, body, audit, now }) => {
    const org = found(await orgs.getOrg(params.orgId));
    const number = newPhoneNumber(params.orgId, body.e164, now);
    await phoneNumbers.createPhoneNumber(
      number,
      org.limits.maxPhoneNumbers,
      audit({ action: 'phone_number.created', target: numberTarget(number), after: number }),
    );
    return { body: number };
  }),

  implement(listPhoneNumbers, async ({ params, query }) => ({
    body: await phoneNumbers.listPhoneNumbers(params.orgId, query),
  })),

  implement(updatePhoneNumber, async ({ params, body, ifMatch, audit, now }) => {
    const { number, agentMayTake } = await phoneNumbers.getPhoneNumberFor(
      params.orgId,
      params.e164,
      body.agentId,
    );
    const current = found(number);
    checkIfMatch(ifMatch, current);
    if (!agentMayTake) throw phoneNumberRefusals.noSuchAgent();
    const routing = await reroute(current, body.agentId);
    const updated = { ...assignPhoneNumber(current, body.agentId, now), sipDispatchRuleId: routing.ruleId };
    try {
      await phoneNumbers.savePhoneNumber(
        updated,
        current.version,
        audit({
          action: body.agentId ? 'phone_number.assigned' : 'phone_number.unassigned',
          target: numberTarget(current),
          before: current,
          after: updated,
        }),
        lostRace(ifMatch, 'phone number'),
      );
    } catch (error) {
      await routing.undo().catch((undoError: unknown) =>
        logger.warn('dispatch rule not put back after a refused assignment', {
          orgId: current.orgId,
          e164: current.e164,
          error: undoError,
        }),
      );
      throw error;
    }
    return { body: updated };
  }),

  implement(deletePhoneNumber, async ({ params, ifMatch, audit }) => {
    const current = found(await phoneNumbers.getPhoneNumber(params.orgId, params.e164));
    // Checked before LiveKit is called: once the rule is gone the release is under way, and the
    // delete below is not refused for a version change (that would leave a number that rings nowhere).
    checkIfMatch(ifMatch, current);
    // The rule goes first: a released number may be another org's tomorrow, and must not ring here.
    if (current.sipDispatchRuleId) await deleteDispatchRule(current.sipDispatchRuleId);
    await phoneNumbers.deletePhoneNumber(
      current,
      audit({ action: 'phone_number.deleted', target: numberTarget(current), before: current }),
    );
    return {};
  }),
]);
