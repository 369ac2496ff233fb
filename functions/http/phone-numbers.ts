import {
  createPhoneNumber,
  deletePhoneNumber,
  listPhoneNumbers,
  updatePhoneNumber,
} from '../api/routes/phone-numbers';
import type { PhoneNumber } from '../api/schemas/phone-numbers';
import * as orgs from '../data/orgs';
import * as phoneNumbers from '../data/phone-numbers';
import { assignPhoneNumber, newPhoneNumber } from '../domain/phone-numbers';
import { refusals } from '../domain/refusal';
import { httpHandler, implement } from './pipeline/handler';
import { checkIfMatch, found } from './pipeline/refusals';

const numberTarget = (number: PhoneNumber) => ({ type: 'phone_number', id: number.e164 });

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
    const current = found(await phoneNumbers.getPhoneNumber(params.orgId, params.e164));
    checkIfMatch(ifMatch, current);
    const updated = assignPhoneNumber(current, body.agentId, now);
    await phoneNumbers.savePhoneNumber(
      updated,
      current.version,
      audit({
        action: body.agentId ? 'phone_number.assigned' : 'phone_number.unassigned',
        target: numberTarget(current),
        before: current,
        after: updated,
      }),
      ifMatch === undefined ? () => refusals.changedMeanwhile('phone number') : refusals.stale,
    );
    return { body: updated };
  }),

  implement(deletePhoneNumber, async ({ params, audit }) => {
    const current = found(await phoneNumbers.getPhoneNumber(params.orgId, params.e164));
    await phoneNumbers.deletePhoneNumber(
      current,
      audit({ action: 'phone_number.deleted', target: numberTarget(current), before: current }),
    );
    return {};
  }),
]);
