/**
 * The route table: the single source for the local gateway, the CDK HTTP API, the OpenAPI
 * document and the generated tenant-isolation test. Org-scoped routes carry their permission.
 */

import { type RouteSpec, route } from './route';
import { Health, UpdateMeBody, UserProfile } from './schemas/me';

export const health = route({
  operationId: 'getHealth',
  method: 'GET',
  path: '/health',
  module: 'health',
  summary: 'Liveness check',
  auth: { kind: 'public' },
  response: Health,
  successStatus: 200,
});

export const getMe = route({
  operationId: 'getMe',
  method: 'GET',
  path: '/me',
  module: 'me',
  summary: 'The caller’s profile, created on first call from the verified token claims',
  auth: { kind: 'user' },
  response: UserProfile,
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
});
