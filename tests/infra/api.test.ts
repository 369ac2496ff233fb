/**
 * The HTTP API follows the route table, and every function holds exactly the access its module
 * declares: named table actions on the table and its indexes, secrets only under the stage's
 * prefix, the stack key only through Secrets Manager.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenSecretName } from '../../functions/adapters/calendar-tokens';
import { bedrockModels } from '../../functions/api/llm';
import { routeKey } from '../../functions/api/route';
import { routes } from '../../functions/api/routes';
import { defaultEmbeddingModel, parseConfig as parseRuntimeConfig } from '../../functions/lib/config';
import { tokenSecretPath } from '../../infra/stacks/access-policy';
import type { AppFunction } from '../../infra/stacks/constructs/app-function';
import {
  type FunctionAccess,
  httpFunctionAccess,
  jobFunctionAccess,
} from '../../infra/stacks/function-access';
import { logicalIdOf } from '../../infra/stacks/nag';
import { projectRoot } from '../../infra/stacks/paths';
import { buildApp, removeOutputs, synthesize } from './synth';

type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Condition?: unknown };

let s: ReturnType<typeof synthesize>;
let api: Template;
let sync: Template;

beforeAll(() => {
  s = synthesize();
  api = s.template(s.plane.api);
  sync = s.template(s.plane.sync);
});
afterAll(removeOutputs);

const modules = [...new Set(routes.map((r) => r.module))];

/** The variables functions/lib/config.ts parses (its Env schema's keys). */
const readVariables = [
  ...readFileSync(join(projectRoot, 'functions/lib/config.ts'), 'utf8')
    .split('const Env = z.object({')[1]!
    .split('});')[0]!
    .matchAll(/^\s+([A-Z][A-Z0-9_]*):/gm),
].map((m) => m[1]!);

/**
 * A variable's value as a deployed function would read it: imports resolve through the exporting
 * stack's outputs, a resource's Ref becomes its logical id (a stand-in for the physical id), and a
 * user pool's ProviderURL is spelled the way Cognito spells it.
 */
function deployed(value: unknown, exporter: Template): string {
  if (typeof value === 'string') return value;
  const intrinsic = value as Record<string, unknown>;
  if ('Fn::Join' in intrinsic) {
    const [separator, parts] = intrinsic['Fn::Join'] as [string, unknown[]];
    return parts.map((part) => deployed(part, exporter)).join(separator);
  }
  if ('Fn::ImportValue' in intrinsic) {
    const outputs = Object.values(
      exporter.toJSON().Outputs as Record<string, { Value: unknown; Export?: { Name: string } }>,
    );
    const output = outputs.find((o) => o.Export?.Name === intrinsic['Fn::ImportValue']);
    if (output) return deployed(output.Value, exporter);
  }
  if ('Ref' in intrinsic) return String(intrinsic.Ref);
  const [resource, attribute] = (intrinsic['Fn::GetAtt'] ?? []) as string[];
  if (attribute === 'ProviderURL') return `https://cognito-idp.us-east-1.amazonaws.com/${resource}`;
  if (resource && attribute) return `${resource}.${attribute}`;
  throw new Error(`Cannot resolve ${JSON.stringify(value)}`);
}

function statementsOf(template: Template, fn: AppFunction): Statement[] {
  const roleId = logicalIdOf(fn.role);
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: roleId }] },
  });
  return Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

const actionsOf = (statement: Statement) => [statement.Action].flat();
const resourcesOf = (statement: Statement) => [statement.Resource].flat();
/** The knowledge embedding grant: InvokeModel on the embedding model's ARN alone. */
const isEmbedding = (statement: Statement) =>
  JSON.stringify(resourcesOf(statement)).includes(`:foundation-model/${defaultEmbeddingModel}`);

/** What a declaration must turn into, spelled out independently of access-policy.ts. */
function expectedActions(access: FunctionAccess): string[] {
  const actions = ['logs:CreateLogStream', 'logs:PutLogEvents', ...access.table];
  if (access.signingKey) actions.push('secretsmanager:GetSecretValue', 'kms:Decrypt');
  if (access.googleClientSecret) actions.push('secretsmanager:GetSecretValue');
  if (access.livekitSecret) actions.push('secretsmanager:GetSecretValue');
  const calls = [...(access.tokenSecrets ?? []), ...(access.agentKeySecrets ?? [])];
  if (calls.includes('get')) actions.push('secretsmanager:GetSecretValue', 'kms:Decrypt');
  if (calls.includes('put'))
    actions.push('secretsmanager:PutSecretValue', 'kms:Decrypt', 'kms:GenerateDataKey');
  if (calls.includes('create'))
    actions.push('secretsmanager:CreateSecret', 'kms:Decrypt', 'kms:GenerateDataKey');
  if (calls.includes('delete')) actions.push('secretsmanager:DeleteSecret');
  if (access.sendToSyncQueue) actions.push('sqs:SendMessage');
  if (access.consumeSyncQueue) {
    actions.push(
      'sqs:ReceiveMessage',
      'sqs:DeleteMessage',
      'sqs:ChangeMessageVisibility',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
    );
  }
  if (access.sendMail) actions.push('ses:SendEmail');
  if (access.invokeModels) actions.push('bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream');
  if (access.embedKnowledge) actions.push('bedrock:InvokeModel');
  if (access.userPoolClients)
    actions.push('cognito-idp:CreateUserPoolClient', 'cognito-idp:DeleteUserPoolClient');
  if (access.deleteUserPoolClients) actions.push('cognito-idp:DeleteUserPoolClient');
  if (access.publishLiveEvents) actions.push('appsync:EventPublish');
  return [...new Set(actions)].sort();
}

describe('routes', () => {
  it('registers every route of the table, exactly as spelled there, and nothing else', () => {
    const keys = Object.values(api.findResources('AWS::ApiGatewayV2::Route')).map(
      (r) => r.Properties.RouteKey,
    );
    expect(keys.sort()).toEqual(routes.map(routeKey).sort());
  });

  it('sends each route to the Lambda of its handler module', () => {
    for (const route of routes) {
      const fn = s.plane.api.functions.get(route.module)!;
      const integrations = api.findResources('AWS::ApiGatewayV2::Integration', {
        Properties: { IntegrationUri: { 'Fn::GetAtt': [logicalIdOf(fn.function), 'Arn'] } },
      });
      const integrationIds = Object.keys(integrations);
      expect(integrationIds, route.module).toHaveLength(1);
      api.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: routeKey(route),
        Target: { 'Fn::Join': ['', ['integrations/', { Ref: integrationIds[0] }]] },
      });
    }
  });

  it('builds one function per handler module from functions/http/<module>.ts', () => {
    expect([...s.plane.api.functions.keys()].sort()).toEqual([...modules].sort());
    expect(Object.keys(api.findResources('AWS::Lambda::Function'))).toHaveLength(modules.length);
  });

  it('throttles the stage, public routes harder, and each webhook route with its own limit', () => {
    const publicKeys = routes.filter((r) => r.auth.kind === 'public').map(routeKey);
    expect(publicKeys.length).toBeGreaterThan(0);
    const stage = Object.values(api.findResources('AWS::ApiGatewayV2::Stage'))[0]!.Properties;
    expect(stage.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 });
    expect(Object.keys(stage.RouteSettings).sort()).toEqual(publicKeys.sort());
    const webhooks = routes.filter((r) => r.path.startsWith('/webhooks/')).map(routeKey);
    expect(webhooks).toEqual(['POST /webhooks/livekit']);
    for (const key of publicKeys) {
      expect(stage.RouteSettings[key], key).toEqual(
        webhooks.includes(key)
          ? { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 }
          : { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
      );
    }
    expect(stage.AccessLogSettings.Format).toContain('"routeKey":"$context.routeKey"');
  });

  it('allows CORS only from the configured site origin', () => {
    const apiProps = Object.values(api.findResources('AWS::ApiGatewayV2::Api'))[0]!.Properties;
    expect(apiProps.CorsConfiguration).toBeUndefined();
    const withDomain = buildApp({
      stage: 'prod',
      domainName: 'admin.example.com',
      certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc-123',
    });
    const cors = Object.values(s.template(withDomain.plane.api).findResources('AWS::ApiGatewayV2::Api'))[0]!
      .Properties.CorsConfiguration;
    expect(cors.AllowOrigins).toEqual(['https://admin.example.com']);
  });
});

describe('functions', () => {
  it('run Node 22 on arm64 with the ESM bundle, set only variables the functions read, never the dev issuer settings', () => {
    for (const template of [api, sync]) {
      for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
        const p = fn.Properties;
        expect(p.Runtime).toBe('nodejs22.x');
        expect(p.Architectures).toEqual(['arm64']);
        expect(p.Handler).toBe('index.handler');
        const env = p.Environment.Variables;
        expect(env).not.toHaveProperty('DEV_ISSUER');
        expect(env).not.toHaveProperty('DEV_ISSUER_JWKS');
        expect(env).not.toHaveProperty('DYNAMODB_ENDPOINT');
        expect(env).toMatchObject({ STAGE: 'test' });
        expect(env).not.toHaveProperty('NODE_OPTIONS');
        expect(env.SIGNING_KEY_SECRET_ARN).toBeDefined();
        expect(env.SECRETS_PREFIX).toBe('agent-control-plane/test/');
        for (const name of Object.keys(env)) expect(readVariables, name).toContain(name);
      }
    }
  });

  it('trust the Cognito pool for ID tokens of the admin site client alone, in the shape the functions parse', () => {
    const auth = s.plane.auth!;
    for (const fn of Object.values(api.findResources('AWS::Lambda::Function'))) {
      const issuers = deployed(fn.Properties.Environment.Variables.TRUSTED_ISSUERS, s.template(auth));
      expect(parseRuntimeConfig({ TABLE_NAME: 'table', TRUSTED_ISSUERS: issuers }).trustedIssuers).toEqual([
        {
          issuer: `https://cognito-idp.us-east-1.amazonaws.com/${logicalIdOf(auth.userPool)}`,
          audience: logicalIdOf(auth.webClient),
          tokenUse: 'id',
        },
      ]);
    }
  });

  it('trust PropelAuth for its audience instead when it is set', () => {
    const propel = buildApp({
      stage: 'prod',
      webOrigin: 'https://d111.cloudfront.net',
      propelAuthIssuer: 'https://auth.example.com',
      propelAuthAudience: 'acp-api',
    });
    expect(propel.plane.auth).toBeUndefined();
    for (const fn of Object.values(s.template(propel.plane.api).findResources('AWS::Lambda::Function'))) {
      const env = fn.Properties.Environment.Variables;
      expect(
        parseRuntimeConfig({ TABLE_NAME: 'table', TRUSTED_ISSUERS: env.TRUSTED_ISSUERS }).trustedIssuers,
      ).toEqual([{ issuer: 'https://auth.example.com', audience: 'acp-api' }]);
    }
  });
});

describe('least privilege', () => {
  it('lets only the api-clients function create Cognito app clients and the sync worker (deleted orgs’) only delete them, only in the stage’s pool', () => {
    const pool = logicalIdOf(s.plane.auth!.userPool);
    const granted: Record<string, string[]> = {};
    for (const { name, fn, template } of all()) {
      for (const statement of statementsOf(template, fn)) {
        const actions = actionsOf(statement).filter((a) => a.startsWith('cognito-idp:'));
        if (actions.length === 0) continue;
        granted[name] = actions.sort();
        const resources = resourcesOf(statement);
        expect(resources).toHaveLength(1);
        expect(JSON.stringify(resources[0])).toMatch(new RegExp(`${pool}Arn`));
      }
    }
    expect(granted).toEqual({
      'api-clients': ['cognito-idp:CreateUserPoolClient', 'cognito-idp:DeleteUserPoolClient'],
      'sync-worker': ['cognito-idp:DeleteUserPoolClient'],
    });
    const worker = sync.toJSON().Resources[logicalIdOf(s.plane.sync.worker.function)];
    expect(JSON.stringify(worker.Properties.Environment.Variables.USER_POOL_ID)).toContain(pool);
  });

  it('gives the functions the pool’s machine-token settings, and the pool a runtime client with the runtime scope alone', () => {
    const auth = s.template(s.plane.auth!);
    const server = Object.values(auth.findResources('AWS::Cognito::UserPoolResourceServer'))[0]!.Properties;
    expect(server.Identifier).toBe('agent-control-plane');
    expect(server.Scopes.map((scope: { ScopeName: string }) => scope.ScopeName)).toEqual(['org', 'runtime']);
    const runtime = Object.values(auth.findResources('AWS::Cognito::UserPoolClient')).find((c) =>
      String(c.Properties.ClientName).endsWith('-runtime'),
    )!.Properties;
    expect(runtime).toMatchObject({ GenerateSecret: true, AllowedOAuthFlows: ['client_credentials'] });
    expect(JSON.stringify(runtime.AllowedOAuthScopes)).toContain('/runtime');
    expect(JSON.stringify(runtime.AllowedOAuthScopes)).not.toContain('/org');
    for (const fn of Object.values(api.findResources('AWS::Lambda::Function'))) {
      const env = fn.Properties.Environment.Variables;
      expect(Object.keys(env)).toEqual(
        expect.arrayContaining([
          'MACHINE_ISSUER',
          'API_RESOURCE_SERVER',
          'RUNTIME_CLIENT_ID',
          'USER_POOL_ID',
          'TOKEN_URL',
        ]),
      );
      expect(env.API_RESOURCE_SERVER).toBe('agent-control-plane');
    }
  });

  it('lets only the conversations, voice and runtime-turns functions invoke models, and only the allow-listed foundation models', () => {
    const granted: string[] = [];
    for (const { name, fn, template } of all()) {
      for (const statement of statementsOf(template, fn)) {
        const actions = actionsOf(statement).filter((a) => a.startsWith('bedrock:'));
        if (actions.length === 0 || isEmbedding(statement)) continue;
        granted.push(name);
        expect(actions.sort()).toEqual(['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream']);
        const resources = JSON.stringify(resourcesOf(statement));
        for (const model of bedrockModels) expect(resources).toContain(`:foundation-model/${model}`);
        expect(resourcesOf(statement)).toHaveLength(bedrockModels.length);
      }
    }
    expect(granted).toEqual(['conversations', 'voice', 'runtime-turns']);
  });

  it('lets the knowledge function and those that retrieve embed with the one embedding model, and invoke nothing else for it', () => {
    const granted: string[] = [];
    for (const { name, fn, template } of all()) {
      for (const statement of statementsOf(template, fn)) {
        if (!isEmbedding(statement)) continue;
        granted.push(name);
        expect(actionsOf(statement)).toEqual(['bedrock:InvokeModel']);
        expect(resourcesOf(statement)).toHaveLength(1);
      }
    }
    expect(granted.sort()).toEqual(
      Object.entries(httpFunctionAccess)
        .filter(([, access]) => access.embedKnowledge)
        .map(([name]) => name)
        .sort(),
    );
    expect(granted).toContain('knowledge');
  });

  it('lets only the conversations and voice functions publish to the live channels, on this stage’s namespace, with its endpoint', () => {
    const granted: string[] = [];
    for (const { name, fn, template } of all()) {
      for (const statement of statementsOf(template, fn)) {
        if (!actionsOf(statement).some((a) => a.startsWith('appsync:'))) continue;
        granted.push(name);
        expect(actionsOf(statement)).toEqual(['appsync:EventPublish']);
        expect(resourcesOf(statement)).toHaveLength(1);
        const arn = deployed(resourcesOf(statement)[0], s.template(s.plane.live));
        expect(arn).toBe(`${logicalIdOf(s.plane.live.api)}.ApiArn/channelNamespace/orgs`);
      }
    }
    expect(granted).toEqual(['conversations', 'voice']);
    const resources = api.toJSON().Resources;
    for (const [module, fn] of s.plane.api.functions) {
      const env = resources[logicalIdOf(fn.function)].Properties.Environment.Variables;
      if (module !== 'conversations' && module !== 'voice')
        expect(env, module).not.toHaveProperty('LIVE_EVENTS_URL');
      else
        expect(deployed(env.LIVE_EVENTS_URL, s.template(s.plane.live))).toBe(
          `https://${logicalIdOf(s.plane.live.api)}.Dns.Http/event`,
        );
    }
  });

  it('has an access declaration for every handler module, and none for modules that are gone', () => {
    expect(Object.keys(httpFunctionAccess).sort()).toEqual([...modules].sort());
  });

  it('refuses to synthesize a module without a declaration', () => {
    const stray = { ...routes[0]!, module: 'undeclared' };
    expect(() => buildApp(undefined, [...routes, stray])).toThrow(
      /Handler module undeclared has no access declaration/,
    );
  });

  const all = () => [
    ...[...s.plane.api.functions].map(([module, fn]) => ({
      name: module,
      fn,
      template: api,
      access: httpFunctionAccess[module]!,
    })),
    ...(['sync-dispatcher', 'sync-worker'] as const).map((name) => ({
      name,
      fn: name === 'sync-dispatcher' ? s.plane.sync.dispatcher : s.plane.sync.worker,
      template: sync,
      access: jobFunctionAccess[name] as FunctionAccess,
    })),
  ];

  it('grants each function exactly the actions its declaration lists', () => {
    for (const { name, fn, template, access } of all()) {
      const actions = [...new Set(statementsOf(template, fn).flatMap(actionsOf))].sort();
      expect(actions, name).toEqual(expectedActions(access));
    }
  });

  it('pins the modules whose needs are known by heart', () => {
    const actions = (module: string) =>
      statementsOf(api, s.plane.api.functions.get(module)!)
        .flatMap(actionsOf)
        .filter((a) => !a.startsWith('logs:'));
    expect(actions('health')).toEqual(['dynamodb:GetItem']);
    expect(actions('openapi')).toEqual([]);
    expect(actions('me').sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem']);
    // Removing a member or deleting an org queues the offboarding of calendars.
    const senders = all()
      .filter(({ fn, template }) => statementsOf(template, fn).flatMap(actionsOf).includes('sqs:SendMessage'))
      .map(({ name }) => name);
    expect(senders.sort()).toEqual(['calendar', 'members', 'oauth-callback', 'orgs', 'sync-dispatcher']);
  });

  it('never uses wildcard actions, and scopes table, secrets and key access to this stage', () => {
    for (const { name, fn, template } of all()) {
      for (const statement of statementsOf(template, fn)) {
        expect(statement.Effect).toBe('Allow');
        for (const action of actionsOf(statement)) expect(action, name).not.toMatch(/\*/);
        const resources = resourcesOf(statement);
        const service = actionsOf(statement)[0]!.split(':')[0];
        const text = JSON.stringify(resources);
        expect(resources, name).not.toContain('*');
        if (service === 'dynamodb') {
          expect(text).not.toContain('/index/*');
          for (const resource of resources) {
            expect(JSON.stringify(resource), name).toMatch(/Table[A-Z0-9]{8}/);
          }
        }
        if (service === 'kms') {
          expect(text, name).toMatch(/SecretsKey/);
          expect(statement.Condition).toEqual({
            StringEquals: {
              'kms:ViaService': {
                'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.amazonaws.com']],
              },
            },
          });
        }
      }
    }
  });

  /** Which secret a statement's resource is: the three kinds a function may be granted, or other. */
  const secretKind = (resource: unknown) => {
    const json = JSON.stringify(resource);
    if (/SigningKey/.test(json)) return 'signingKey';
    // Arn.format renders the ARN as a join of literal text and pseudo-parameter refs.
    const join = (resource as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
    const arn = join?.[1].map((part) => (typeof part === 'string' ? part : '<ref>')).join('');
    if (arn === 'arn:<ref>:secretsmanager:<ref>:<ref>:secret:agent-control-plane/test/google-client-??????')
      return 'googleClientSecret';
    if (arn === 'arn:<ref>:secretsmanager:<ref>:<ref>:secret:agent-control-plane/test/livekit-??????')
      return 'livekitSecret';
    if (arn === 'arn:<ref>:secretsmanager:<ref>:<ref>:secret:agent-control-plane/test/google-calendar/*')
      return 'tokenSecrets';
    if (arn === 'arn:<ref>:secretsmanager:<ref>:<ref>:secret:agent-control-plane/test/agents/*')
      return 'agentKeySecrets';
    return `other ${json}`;
  };
  /** Secrets Manager actions per kind of secret, as the synthesized policies grant them. */
  const secretGrants = (statements: Statement[]) => {
    const grants: Record<string, string[]> = {};
    for (const statement of statements) {
      const actions = actionsOf(statement).filter((a) => a.startsWith('secretsmanager:'));
      for (const resource of actions.length > 0 ? resourcesOf(statement) : []) {
        const kind = secretKind(resource);
        grants[kind] = [...new Set([...(grants[kind] ?? []), ...actions])].sort();
      }
    }
    return grants;
  };

  it('grants each function exactly the Secrets Manager calls its code makes, on exactly those secrets', () => {
    const read = ['secretsmanager:GetSecretValue'];
    const expected: Record<string, Record<string, string[]>> = {
      health: {},
      openapi: {},
      me: {},
      audit: { signingKey: read },
      // Deleting an org schedules its agents' key secrets for deletion.
      orgs: { signingKey: read, agentKeySecrets: ['secretsmanager:DeleteSecret'] },
      members: { signingKey: read },
      invites: { signingKey: read },
      agents: {
        signingKey: read,
        agentKeySecrets: [
          'secretsmanager:CreateSecret',
          'secretsmanager:DeleteSecret',
          'secretsmanager:GetSecretValue',
          'secretsmanager:PutSecretValue',
        ],
        // Deleting an agent deletes its numbers' SIP dispatch rules.
        livekitSecret: read,
      },
      // (Un)assigning a number creates, moves or deletes its SIP dispatch rule.
      'phone-numbers': { signingKey: read, livekitSecret: read },
      // Verifies LiveKit's webhook signatures with its key and secret.
      'livekit-webhook': { livekitSecret: read },
      // Signs test-call tokens with the LiveKit key and secret; reads nothing else.
      'agent-sessions': { livekitSecret: read },
      // Org API clients: cursors only (the client secret lives in Cognito alone).
      'api-clients': { signingKey: read },
      // The voice runtime reads an agent's provider keys, nothing else.
      runtime: { agentKeySecrets: read },
      // Call records: the worker's writes need no secret; the org's lists page with signed cursors.
      'runtime-calls': {},
      calls: { signingKey: read },
      // Platform administration: cursors, and the LiveKit key for a suspended org's dispatch rules.
      admin: { signingKey: read, livekitSecret: read },
      // Tasks: only the cursor signing key (lists page with signed cursors).
      tasks: { signingKey: read },
      // Team members and sales: only the cursor signing key (lists page with signed cursors).
      'team-members': { signingKey: read },
      sales: { signingKey: read },
      // Prompts and knowledge: only the cursor signing key (lists page with signed cursors).
      prompts: { signingKey: read },
      knowledge: { signingKey: read },
      // Conversations: cursors, and an openai-compatible agent's LLM key (read only).
      conversations: { signingKey: read, agentKeySecrets: read },
      // Voice turns: the agent's speech providers' keys and an openai-compatible LLM's (read only).
      voice: { agentKeySecrets: read },
      // The voice worker's turns: an openai-compatible LLM's key, and for booking the Google client
      // and the member's calendar token (a refreshed one stored back).
      'runtime-turns': {
        agentKeySecrets: read,
        googleClientSecret: read,
        tokenSecrets: ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'],
      },
      calendar: {
        signingKey: read,
        googleClientSecret: read,
        tokenSecrets: [
          'secretsmanager:DeleteSecret',
          'secretsmanager:GetSecretValue',
          'secretsmanager:PutSecretValue',
        ],
      },
      'oauth-callback': {
        signingKey: read,
        googleClientSecret: read,
        tokenSecrets: ['secretsmanager:CreateSecret', 'secretsmanager:PutSecretValue'],
      },
      'sync-dispatcher': {},
      'sync-worker': {
        googleClientSecret: read,
        // A deleted org's dispatch rules are deleted with the LiveKit key.
        livekitSecret: read,
        tokenSecrets: [
          'secretsmanager:DeleteSecret',
          'secretsmanager:GetSecretValue',
          'secretsmanager:PutSecretValue',
        ],
      },
    };
    const granted = Object.fromEntries(
      all().map(({ name, fn, template }) => [name, secretGrants(statementsOf(template, fn))]),
    );
    expect(granted).toEqual(expected);
  });

  it('lets no function change the signing key or the Google client secret, and only two delete tokens', () => {
    const deleters: string[] = [];
    for (const { name, fn, template } of all()) {
      const grants = secretGrants(statementsOf(template, fn));
      for (const kind of ['signingKey', 'googleClientSecret']) {
        if (grants[kind]) expect(grants[kind], `${name} ${kind}`).toEqual(['secretsmanager:GetSecretValue']);
      }
      if (grants.tokenSecrets?.includes('secretsmanager:DeleteSecret')) deleters.push(name);
      for (const kind of ['signingKey', 'googleClientSecret']) {
        expect(grants[kind] ?? [], `${name} ${kind}`).not.toContain('secretsmanager:DeleteSecret');
      }
    }
    expect(deleters.sort()).toEqual(['calendar', 'sync-worker']);
  });

  it('grants token secrets on the path the functions name them under', () => {
    expect(tokenSecretName('org_1', 'user_1').startsWith(tokenSecretPath)).toBe(true);
  });

  it('grants the Google client secret to nobody when Google is not configured', () => {
    const { plane } = buildApp({ stage: 'test' });
    for (const fn of [...plane.api.functions.values(), plane.sync.worker]) {
      const template = s.template(fn === plane.sync.worker ? plane.sync : plane.api);
      expect(Object.keys(secretGrants(statementsOf(template, fn)))).not.toContain('googleClientSecret');
    }
  });

  it('lets only functions that query reach the indexes, each index by name', () => {
    const me = JSON.stringify(statementsOf(api, s.plane.api.functions.get('me')!));
    expect(me).not.toContain('/index/');
    const dispatcher = JSON.stringify(statementsOf(sync, s.plane.sync.dispatcher));
    for (const index of ['gsi1', 'gsi2', 'gsi3']) expect(dispatcher).toContain(`/index/${index}`);
  });
});
