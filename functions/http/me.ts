import { getMe, updateMe } from '../api/routes/profile';
import { dynamoUserStore } from '../data/users';
import { refusals } from '../domain/refusal';
import { applyWelcomeForm } from '../domain/users';
import { httpHandler, implement } from './pipeline/handler';
import { checkIfMatch } from './pipeline/refusals';

export const handler = httpHandler([
  implement(getMe, async ({ caller }) => ({ body: caller.profile })),

  implement(updateMe, async ({ caller, body, ifMatch, now }) => {
    const current = caller.profile;
    checkIfMatch(ifMatch, current);
    const updated = applyWelcomeForm(current, body, now);
    const saved = await dynamoUserStore.replace(
      { profile: updated, issuer: caller.identity.issuer },
      current.version,
    );
    if (!saved) throw refusals.stale();
    return { body: updated };
  }),
]);
