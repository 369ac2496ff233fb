/**
 * Floor 2 of the cold-start table: the least any authenticated API handler can do with the same
 * libraries: verify the bearer token with aws-jwt-verify (dev issuer's keys preloaded, as
 * functions/http/pipeline/auth.ts does) and read the caller's profile with one GetItem through the
 * same DynamoDB document client. No zod, no middy, no config parsing.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { JwtVerifier } from 'aws-jwt-verify';
import type { Jwks } from 'aws-jwt-verify/jwk';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { keys } from '../../../functions/data/keys';

const env = process.env;
const verifier = JwtVerifier.create({
  issuer: env.DEV_ISSUER!,
  audience: 'agent-control-plane',
  jwksUri: `${env.DEV_ISSUER}/.well-known/jwks.json`,
});
verifier.cacheJwks(JSON.parse(env.DEV_ISSUER_JWKS!) as Jwks);
const db = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: env.AWS_REGION, endpoint: env.DYNAMODB_ENDPOINT }),
);

export const handler = async (event: APIGatewayProxyEventV2) => {
  const token = /^Bearer (.+)$/.exec(event.headers.authorization ?? '')?.[1];
  if (!token) return { statusCode: 401 };
  const claims = await verifier.verify(token);
  const { Item } = await db.send(new GetCommand({ TableName: env.TABLE_NAME, Key: keys.user(claims.sub!) }));
  return {
    statusCode: Item ? 200 : 404,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(Item ?? {}),
  };
};
