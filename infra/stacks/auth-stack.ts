/**
 * The built-in identity provider, deployed only when no external issuer (PropelAuth) is
 * configured: a Cognito user pool with its hosted sign-in domain, and a resource server whose
 * scopes machine clients (client credentials) receive. The admin site's client lives in the Web
 * stack because its callback URL is the CloudFront address, which exists only there.
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
  type UserPoolDomain,
  UserPoolResourceServer,
} from 'aws-cdk-lib/aws-cognito';
import type { Construct } from 'constructs';
import type { DeployConfig } from '../config';

export interface AuthStackProps extends StackProps {
  config: DeployConfig;
}

export const machineScopes = {
  'agents.read': 'Read agents and their runtime configuration',
  'agents.write': 'Create and change agents',
  'tasks.read': 'Read call and email tasks',
  'tasks.write': 'Create and update call and email tasks',
} as const;

export class AuthStack extends Stack {
  readonly userPool: UserPool;
  readonly domain: UserPoolDomain;
  /** The token issuer (`iss`) of this pool. */
  readonly issuer: string;

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

    const scopes = Object.entries(machineScopes).map(
      ([scopeName, scopeDescription]) => new ResourceServerScope({ scopeName, scopeDescription }),
    );
    const resourceServer = new UserPoolResourceServer(this, 'Api', {
      userPool: this.userPool,
      identifier: 'agent-control-plane',
      scopes,
    });
    const machineClient = new UserPoolClient(this, 'MachineClient', {
      userPool: this.userPool,
      userPoolClientName: `${config.namePrefix}-machine`,
      generateSecret: true,
      oAuth: {
        flows: { clientCredentials: true },
        scopes: scopes.map((s) => OAuthScope.resourceServer(resourceServer, s)),
      },
      accessTokenValidity: Duration.hours(1),
    });

    this.issuer = this.userPool.userPoolProviderUrl;
    new CfnOutput(this, 'Issuer', { value: this.issuer });
    new CfnOutput(this, 'HostedDomain', { value: this.domain.baseUrl() });
    new CfnOutput(this, 'MachineClientId', { value: machineClient.userPoolClientId });
  }
}
