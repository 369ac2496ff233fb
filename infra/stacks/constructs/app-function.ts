/**
 * One Lambda as every function in this project is built: Node 22 on arm64, bundled locally by
 * esbuild into minified ESM with the AWS SDK inside (tree-shaken; no Docker, no layer; chunks
 * for what handlers load on first use, see lambda-bundle.ts),
 * its own log group, and its own role holding exactly the statements its access declaration
 * produces, so no function inherits another's permissions or the broad managed execution policy.
 */
import { join } from 'node:path';
import { AssetHashType, DockerImage, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { buildSync } from 'esbuild';
import { type AccessTargets, accessStatements, runtimeSecretPaths } from '../access-policy';
import type { FunctionAccess } from '../function-access';
import { projectRoot } from '../paths';
import { type FileBeside, lambdaBuildOptions, writeFilesBeside } from './lambda-bundle';

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
  /** Files shipped beside the bundle (lambda-bundle.ts, FileBeside). */
  files?: readonly FileBeside[];
}

/**
 * The function's package, bundled here with esbuild's API (lambda-bundle.ts): NodejsFunction's
 * bundler writes one --outfile, which code splitting cannot use. Hashed by its output, as
 * NodejsFunction's are; the image is never pulled, because local bundling always succeeds.
 */
function bundled(entry: string, files: AppFunctionProps['files'] = []): Code {
  return Code.fromAsset(projectRoot, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs22.x'),
      local: {
        tryBundle(outputDir) {
          buildSync(lambdaBuildOptions(join(projectRoot, entry), outputDir));
          writeFilesBeside(files, outputDir);
          return true;
        },
      },
    },
  });
}

export class AppFunction extends Construct {
  readonly function: LambdaFunction;
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

    this.function = new LambdaFunction(this, 'Function', {
      code: bundled(props.entry, props.files),
      handler: 'index.handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      // 1,024 MB: half the cold start of 512 MB for ~4% more per warm request (bench section 3b).
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.seconds(10),
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      role: this.role,
      logGroup: this.logGroup,
      environment: props.environment,
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node 22 on purpose: the project pins Node 22 for local runs and tests so they match Lambda; ' +
        'a newer runtime is a project-wide upgrade, not a per-function setting.',
    });
  }
}
