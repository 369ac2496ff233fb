import * as z from 'zod/mini';
import { route } from '../route';

/** The document's file beside the openapi function's bundle, written when it is bundled. */
export const openApiFile = 'openapi.json';

export const getOpenApi = route({
  operationId: 'getOpenApi',
  method: 'GET',
  path: '/openapi.json',
  module: 'openapi',
  summary: 'This API’s OpenAPI 3.1 document',
  auth: { kind: 'public' },
  response: z.looseObject({ openapi: z.literal('3.1.0') }),
  successStatus: 200,
});
