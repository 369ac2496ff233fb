import { getMe, updateMe } from '../api/routes/profile';
import { getPlatformGrant } from '../data/platform';
import { dynamoUserStore } from '../data/users';
import { effectivePlatformRole } from '../domain/platform';
import { applyWelcomeForm } from '../domain/users';
import { config } from '../lib/config';
import { httpHandler, implement } from './pipeline/handler';
import { checkIfMatch, lostRace } from './pipeline/refusals';

export const handler = httpHandler([
  // The platform role tells the console whether to offer the admin area.
  implement(getMe, async ({ caller }) => {
    const grant = await getPlatformGrant(caller.profile.id);
    const role = effectivePlatformRole(
      caller.identity,
      grant?.role ?? null,
      config().platformSuperadminEmail,
    );
    return { body: { ...caller.profile, platformRole: role } };
  }),

  implement(updateMe, async ({ caller, body, ifMatch, now }) => {
    const current = caller.profile;
    checkIfMatch(ifMatch, current);
    const updated = applyWelcomeForm(current, body, now);
    const saved = await dynamoUserStore.replace(
      { profile: updated, issuer: caller.identity.issuer },
      current.version,
    );
    if (!saved) throw lostRace(ifMatch, 'profile')();
    return { body: updated };
  }),
]);
