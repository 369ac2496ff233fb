/**
 * The built-in identity provider, deployed only when no external issuer (PropelAuth) is
 * configured: a Cognito user pool with its hosted sign-in domain, the admin site's app client, and
 * a resource server whose scopes machine clients (client credentials) receive, and the
 * platform voice runtime's client. The site's client
 * lives here, not in the Web stack, because its id is the audience the API verifies ID tokens
 * against and the Api stack is created before the Web stack; its callback URL is the site origin
 * known at synth (infra/config.ts), not the CloudFront address.
 */
import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  UserPool,
  UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
  UserPoolResourceServer,
} from 'aws-cdk-lib/aws-cognito';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { AwsCustomResource } from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import type { DeployConfig } from '../config';

export interface AuthStackProps extends StackProps {
  config: DeployConfig;
}

/**
 * Scopes of the API's resource server, carried by client-credentials access tokens: `org` for org
 * API clients (created at run time by the api-clients function, each acting in one org with a
 * role) and `runtime` for the platform's voice runtime client only. README "Machine callers".
 */
export const apiResourceServer = 'agent-control-plane';
export const machineScopes = {
  org: 'Act in one organization with the role recorded for the client',
  runtime: 'Read agents with their provider keys to run them (the platform voice runtime only)',
} as const;

export class AuthStack extends Stack {
  readonly userPool: UserPool;
  readonly domain: UserPoolDomain;
  /** The admin site's client: its id is the `aud` of the ID tokens the site sends to the API. */
  readonly webClient: UserPoolClient;
  /** The token issuer (`iss`) of this pool. */
  readonly issuer: string;
  /** The voice runtime's client (client credentials, runtime scope): the one caller of GET /runtime/agents/{agentId}. */
  readonly runtimeClient: UserPoolClient;
  readonly runtimeClientSecret: Secret;
  /** The OAuth 2.0 token endpoint machine clients get their access tokens from. */
  readonly tokenUrl: string;

  constructor(scope: Construct, id: string, props: AuthStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.userPool = new UserPool(this, 'Users', {
      userPoolName: `${config.namePrefix}-users`,
      selfSignUpEnabled: true,
      signInAliases: { email: true },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true }, fullname: { required: false } },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // People who manage tenants' agents and secrets sign in with a second factor (TOTP, no SMS cost).
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.ESSENTIALS,
      deletionProtection: !config.isDev,
      removalPolicy: config.isDev ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'Threat protection needs the Plus feature plan, billed per monthly active user; MFA is ' +
        'required instead. Switch featurePlan to PLUS per deployment when the budget allows.',
    });

    this.domain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: `${config.namePrefix}-${Aws.ACCOUNT_ID}` },
    });

    this.webClient = this.siteClient(config);

    const scopes = Object.entries(machineScopes).map(
      ([scopeName, scopeDescription]) => new ResourceServerScope({ scopeName, scopeDescription }),
    );
    const resourceServer = new UserPoolResourceServer(this, 'Api', {
      userPool: this.userPool,
      identifier: apiResourceServer,
      scopes,
    });
    // The platform's voice runtime: client credentials, the runtime scope only. Org API clients get
    // the org scope and are created per org at run time, never here.
    const runtimeScope = scopes.find((scope) => scope.scopeName === 'runtime')!;
    this.runtimeClient = new UserPoolClient(this, 'RuntimeClient', {
      userPool: this.userPool,
      userPoolClientName: `${config.namePrefix}-runtime`,
      generateSecret: true,
      oAuth: {
        flows: { clientCredentials: true },
        scopes: [OAuthScope.resourceServer(resourceServer, runtimeScope)],
      },
      accessTokenValidity: Duration.hours(1),
    });

    // Where the voice worker's tasks read the runtime client's secret (README "Voice worker (issue 21)").
    this.runtimeClientSecret = new Secret(this, 'RuntimeClientSecret', {
      secretName: `${config.secretsPrefix}/runtime-client`,
      description: 'The platform runtime client secret, read by the voice worker',
      secretStringValue: this.runtimeClient.userPoolClientSecret,
    });
    Validations.of(this.runtimeClientSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'A copy of the Cognito app client secret, which Cognito cannot rotate in place; it changes ' +
        'by replacing the runtime client and deploying.',
    });
    // CDK reads the client secret with its own custom resource (a singleton Lambda in this stack).
    const secretReader = this.node.findChild(
      `AWS${AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`,
    );
    Validations.of(secretReader).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        'CDK’s custom-resource provider that reads the runtime client’s secret once per deploy; it only logs.',
    });

    this.issuer = this.userPool.userPoolProviderUrl;
    this.tokenUrl = `${this.domain.baseUrl()}/oauth2/token`;
    new CfnOutput(this, 'Issuer', { value: this.issuer });
    new CfnOutput(this, 'HostedDomain', { value: this.domain.baseUrl() });
    new CfnOutput(this, 'WebClientId', { value: this.webClient.userPoolClientId });
    new CfnOutput(this, 'RuntimeClientId', { value: this.runtimeClient.userPoolClientId });
    new CfnOutput(this, 'TokenUrl', { value: this.tokenUrl });
    // Web stacks deployed while the site's client lived there import the pool id; CloudFormation
    // refuses to drop an export in use, so it stays exported until every stage has redeployed.
    this.exportValue(this.userPool.userPoolId);
  }

  /**
   * The admin site's public client (authorization code + PKCE, no secret). The site redirects back
   * to its own origin (web/src/hosted-sign-in.ts). A disposable stage's first deploy has no origin
   * yet (infra/config.ts): its client then has OAuth off, so no redirect target is registered
   * that nobody controls, and the redeploy with webOrigin turns it on under the same client id.
   */
  private siteClient(config: DeployConfig): UserPoolClient {
    const siteUrl = config.webOrigin && `${config.webOrigin}/`;
    return new UserPoolClient(this, 'WebClient', {
      userPool: this.userPool,
      userPoolClientName: `${config.namePrefix}-web`,
      generateSecret: false,
      authFlows: {},
      preventUserExistenceErrors: true,
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      ...(siteUrl
        ? {
            oAuth: {
              flows: { authorizationCodeGrant: true },
              scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
              callbackUrls: [siteUrl],
              logoutUrls: [siteUrl],
            },
          }
        : { disableOAuth: true }),
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });
  }
}
