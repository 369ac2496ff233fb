import { getMe, updateMe } from '../api/routes/profile';
import { dynamoUserStore } from '../data/users';
import { applyWelcomeForm } from '../domain/users';
import { httpHandler, implement } from '../lib/http-handler';
import { problems } from '../lib/problem';

export const handler = httpHandler([
  implement(getMe, async ({ caller }) => ({ body: caller.profile })),

  implement(updateMe, async ({ caller, body, ifMatch, now }) => {
    const current = caller.profile;
    if (ifMatch !== undefined && ifMatch !== current.version) throw problems.preconditionFailed();
    const updated = applyWelcomeForm(current, body, now);
    const saved = await dynamoUserStore.replace(
      { profile: updated, issuer: caller.identity.issuer },
      current.version,
    );
    if (!saved) throw problems.preconditionFailed();
    return { body: updated };
  }),
]);
