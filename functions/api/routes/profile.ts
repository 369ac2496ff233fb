/** Routes of the caller's own profile, plus the public health check. */
import { route } from '../route';
import { Health, HealthQuery, Me, UpdateMeBody, UserProfile } from '../schemas/me';

export const getHealth = route({
  operationId: 'getHealth',
  method: 'GET',
  path: '/health',
  module: 'health',
  summary: 'Liveness check; with ?deep=1 also readiness: reads the table (503 when it cannot)',
  auth: { kind: 'public' },
  query: HealthQuery,
  response: Health,
  successStatus: 200,
});

export const getMe = route({
  operationId: 'getMe',
  method: 'GET',
  path: '/me',
  module: 'me',
  summary:
    'The caller’s profile, created on first call from the verified token claims, with their platform role',
  auth: { kind: 'user' },
  response: Me,
  successStatus: 200,
});

export const updateMe = route({
  operationId: 'updateMe',
  method: 'PATCH',
  path: '/me',
  module: 'me',
  summary: 'Save the welcome form: time zone, preferences, name',
  auth: { kind: 'user' },
  body: UpdateMeBody,
  response: UserProfile,
  successStatus: 200,
  errors: [409, 412],
});
