/**
 * One Lambda as every function in this project is built: Node 22 on arm64, bundled locally by
 * esbuild into one minified ESM file with the AWS SDK inside (tree-shaken; no Docker, no layer),
 * its own log group, and its own role holding exactly the statements its access declaration
 * produces, so no function inherits another's permissions or the broad managed execution policy.
 */
import { createRequire } from 'node:module';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { type ICommandHooks, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type AccessTargets, accessStatements, runtimeSecretPaths } from '../access-policy';
import type { FunctionAccess } from '../function-access';
import { projectRoot } from '../paths';

export interface AppFunctionProps {
  /** Path of the handler module relative to the project root; it exports `handler`. */
  entry: string;
  description: string;
  access: FunctionAccess;
  targets: AccessTargets;
  environment: Record<string, string>;
  retainLogs: boolean;
  timeout?: Duration;
  memorySize?: number;
  reservedConcurrentExecutions?: number;
  /**
   * Files shipped beside the bundle instead of inside it: data a handler reads at run time, which
   * every cold start would otherwise parse. `source` is a module path, resolved from the project.
   */
  files?: readonly { name: string; source: string }[];
}

// Some bundled CommonJS dependencies call require(); ESM output has none unless we provide it.
const requireShim =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

const projectRequire = createRequire(`${projectRoot}/package.json`);

/** Bundling's command hooks that copy `files` into the function's package. */
function copying(files: NonNullable<AppFunctionProps['files']>): ICommandHooks {
  const sources = files.map((file) => ({ name: file.name, path: projectRequire.resolve(file.source) }));
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (_inputDir, outputDir) =>
      sources.map(({ name, path }) => `cp "${path}" "${outputDir}/${name}"`),
  };
}

export class AppFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;
  /** The handler module it runs, relative to the project root (tests read what it calls from it). */
  readonly entry: string;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    super(scope, id);
    this.entry = props.entry;
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: props.retainLogs ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description} (its declared access only)`,
    });
    this.logGroup.grantWrite(this.role);
    for (const statement of accessStatements(this, props.access, props.targets)) {
      this.role.addToPrincipalPolicy(statement);
    }
    for (const [family, path] of Object.entries(runtimeSecretPaths) as [
      keyof typeof runtimeSecretPaths,
      string,
    ][]) {
      if (!props.access[family]?.length) continue;
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${props.targets.secretsPrefix}/${path}*]`,
        reason:
          'These secrets are created at run time, one per calendar connection or agent, so their names ' +
          "are only known by path; the path holds this stage's secrets of that kind and nothing else.",
      });
    }

    this.function = new NodejsFunction(this, 'Function', {
      entry: `${projectRoot}/${props.entry}`,
      handler: 'handler',
      projectRoot,
      depsLockFilePath: `${projectRoot}/package-lock.json`,
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      role: this.role,
      logGroup: this.logGroup,
      // No --enable-source-maps: it made cold imports ~50% slower (npm run bench), and logs carry
      // error names and messages, not stacks. The .map files ship for decoding by hand.
      environment: props.environment,
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        // Prefer packages' ESM builds so esbuild can drop the unused parts of the SDK clients.
        mainFields: ['module', 'main'],
        banner: requireShim,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        externalModules: [],
        forceDockerBundling: false,
        ...(props.files?.length ? { commandHooks: copying(props.files) } : {}),
      },
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node 22 on purpose: the project pins Node 22 for local runs and tests so they match Lambda; ' +
        'a newer runtime is a project-wide upgrade, not a per-function setting.',
    });
  }
}
