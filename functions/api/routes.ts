/**
 * The route table: the single source for the local gateway, the CDK HTTP API, the OpenAPI
 * document and the generated tenant-isolation test. Each resource group lists its routes in
 * routes/<group>.ts; org-scoped routes carry their permission.
 */
import type { RouteSpec } from './route';
import * as profile from './routes/profile';

export const routes: readonly RouteSpec[] = [...Object.values(profile)];
