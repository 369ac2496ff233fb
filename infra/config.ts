/**
 * Deployment settings from CDK context (`-c key=value` or cdk.json). Parsed once, before any
 * construct exists, so a bad value stops synth with one line that names it instead of a stack
 * trace from deep inside a construct.
 */

export class ContextError extends Error {}

export interface ExternalIssuer {
  issuer: string;
  audience: string;
}

export interface DeployConfig {
  stage: string;
  /** Dev stages may be destroyed with their data; every other stage retains table and keys. */
  isDev: boolean;
  /** Resource name prefix (`acp-<stage>`). */
  namePrefix: string;
  /** Secrets Manager name prefix without the trailing slash (`agent-control-plane/<stage>`). */
  secretsPrefix: string;
  /** PropelAuth; when absent the Auth stack creates a Cognito user pool instead. */
  propelAuth: ExternalIssuer | undefined;
  google: { clientId: string; clientSecretName: string } | undefined;
  /** `sipTrunkId`: the LiveKit SIP inbound trunk numbers ring on (assigned numbers get dispatch rules). */
  livekit: { url: string; secretName: string; sipTrunkId: string | undefined } | undefined;
  domain: { name: string; certificateArn: string } | undefined;
  /**
   * The admin site's public origin: https://<domainName>, or the webOrigin context value (the
   * CloudFront address after a first deploy). The distribution is created after the Auth and Api
   * stacks and cannot feed its address back into them (the site's sign-in client registers it as
   * callback URL, the functions build links with it), so only a disposable stage may go without:
   * its first deploy is the one that creates the distribution.
   */
  webOrigin: string | undefined;
  alarmEmail: string | undefined;
  mailFrom: string | undefined;
  /** The first platform superadmin's email (README "Platform administration"). */
  platformSuperadminEmail: string | undefined;
  /**
   * The origin secret's version that CloudFront sends and the API functions expect (its
   * put-secret-value VersionId). Absent: the version current when CloudFormation last changed the
   * distribution or function; a new one makes it resolve the secret again in both: how it rotates.
   */
  originSecretVersion: string | undefined;
}

type ContextReader = (key: string) => unknown;

const devStages = new Set(['dev', 'test']);

function text(read: ContextReader, key: string): string | undefined {
  const value = read(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new ContextError(`Context value ${key} must be a string.`);
  return value.trim();
}

function required(read: ContextReader, key: string, hint: string): string {
  const value = text(read, key);
  if (value === undefined) throw new ContextError(`Missing required context value ${key} (${hint}).`);
  return value;
}

/** Settings that only make sense together: all absent, or all present. */
function group<K extends string>(read: ContextReader, keys: readonly K[]): Record<K, string> | undefined {
  const values = keys.map((key) => [key, text(read, key)] as const);
  const given = values.filter(([, v]) => v !== undefined);
  if (given.length === 0) return undefined;
  const missing = values.find(([, v]) => v === undefined);
  if (missing) {
    throw new ContextError(
      `Missing required context value ${missing[0]} (needed because ${given[0]![0]} is set).`,
    );
  }
  return Object.fromEntries(values) as Record<K, string>;
}

function httpsUrl(key: string, value: string, protocols = ['https:']): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ContextError(`Context value ${key} must be a URL, got "${value}".`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ContextError(`Context value ${key} must use ${protocols.join(' or ')}, got "${value}".`);
  }
  return value.replace(/\/$/, '');
}

export function parseConfig(read: ContextReader): DeployConfig {
  const stage = required(read, 'stage', 'pass -c stage=<name>, e.g. -c stage=dev');
  if (!/^[a-z0-9]+$/.test(stage)) {
    throw new ContextError(`Context value stage must be lowercase letters and digits only, got "${stage}".`);
  }
  // Functions in stage `local` trust the dev identity provider's tokens (functions/lib/config.ts).
  if (stage === 'local') {
    throw new ContextError(
      "Context value stage must not be local: that stage is npm start's and trusts dev tokens.",
    );
  }
  const propel = group(read, ['propelAuthIssuer', 'propelAuthAudience']);
  const google = group(read, ['googleClientId', 'googleClientSecretName']);
  const livekit = group(read, ['livekitUrl', 'livekitSecretName']);
  const livekitSipTrunkId = text(read, 'livekitSipTrunkId');
  if (livekitSipTrunkId !== undefined && !livekit) {
    throw new ContextError('Context value livekitSipTrunkId needs livekitUrl and livekitSecretName.');
  }
  const domain = group(read, ['domainName', 'certificateArn']);
  const alarmEmail = text(read, 'alarmEmail');
  if (alarmEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alarmEmail)) {
    throw new ContextError(`Context value alarmEmail must be an email address, got "${alarmEmail}".`);
  }
  const mailFrom = text(read, 'mailFrom');
  if (mailFrom !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(mailFrom)) {
    throw new ContextError(`Context value mailFrom must be an email address, got "${mailFrom}".`);
  }
  const platformSuperadminEmail = text(read, 'platformSuperadminEmail');
  if (platformSuperadminEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(platformSuperadminEmail)) {
    throw new ContextError(
      `Context value platformSuperadminEmail must be an email address, got "${platformSuperadminEmail}".`,
    );
  }
  const originSecretVersion = text(read, 'originSecretVersion');
  if (originSecretVersion !== undefined && !/^[\w-]{32,64}$/.test(originSecretVersion)) {
    throw new ContextError(
      `Context value originSecretVersion must be a Secrets Manager VersionId, got "${originSecretVersion}".`,
    );
  }
  if (domain && !/^arn:aws[\w-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/.test(domain.certificateArn)) {
    throw new ContextError('Context value certificateArn must be an ACM certificate ARN in us-east-1.');
  }
  const secretsPrefix = `agent-control-plane/${stage}`;
  for (const [key, name] of [
    ['googleClientSecretName', google?.googleClientSecretName],
    ['livekitSecretName', livekit?.livekitSecretName],
  ] as const) {
    // Functions may read secrets under the stage prefix only; a name elsewhere would be unreadable.
    if (name !== undefined && !name.startsWith(`${secretsPrefix}/`)) {
      throw new ContextError(`Context value ${key} must start with ${secretsPrefix}/, got "${name}".`);
    }
  }
  // The token path is granted to functions that write and delete secrets; the client secret must not
  // fall under it (infra/stacks/access-policy.ts).
  if (google?.googleClientSecretName.startsWith(`${secretsPrefix}/google-calendar/`)) {
    throw new ContextError(
      `Context value googleClientSecretName must not be under ${secretsPrefix}/google-calendar/ (token secrets).`,
    );
  }
  // Nor may the LiveKit secret fall under a path functions write to (tokens, agents' keys).
  for (const path of ['google-calendar/', 'agents/']) {
    if (livekit?.livekitSecretName.startsWith(`${secretsPrefix}/${path}`)) {
      throw new ContextError(`Context value livekitSecretName must not be under ${secretsPrefix}/${path}.`);
    }
  }
  const isDev = devStages.has(stage);
  const webOriginValue = text(read, 'webOrigin');
  const webOrigin = webOriginValue
    ? new URL(httpsUrl('webOrigin', webOriginValue)).origin
    : domain && `https://${domain.domainName.toLowerCase()}`;
  if (!webOrigin && !isDev) {
    throw new ContextError(
      `Missing required context value webOrigin (stage ${stage} is not disposable: pass -c domainName=… -c certificateArn=…, or -c webOrigin=<its SiteUrl>).`,
    );
  }
  return {
    stage,
    isDev,
    namePrefix: `acp-${stage}`,
    secretsPrefix,
    propelAuth: propel && {
      issuer: httpsUrl('propelAuthIssuer', propel.propelAuthIssuer),
      audience: propel.propelAuthAudience,
    },
    google: google && { clientId: google.googleClientId, clientSecretName: google.googleClientSecretName },
    livekit: livekit && {
      url: httpsUrl('livekitUrl', livekit.livekitUrl, ['wss:', 'https:']),
      secretName: livekit.livekitSecretName,
      sipTrunkId: livekitSipTrunkId,
    },
    domain: domain && { name: domain.domainName.toLowerCase(), certificateArn: domain.certificateArn },
    webOrigin,
    alarmEmail,
    mailFrom,
    platformSuperadminEmail,
    originSecretVersion,
  };
}
