/**
 * CDK entry point (`cdk synth`, `cdk deploy --all -c stage=<name>`). A bad context value ends
 * synth with one line naming it, before the stacks and the route table are even loaded;
 * everything else lives in stacks/control-plane.ts.
 */
import { App } from 'aws-cdk-lib';
import { ContextError, type DeployConfig, parseConfig } from './config';

const app = new App();
let config: DeployConfig;
try {
  config = parseConfig((key) => app.node.tryGetContext(key));
} catch (error) {
  if (!(error instanceof ContextError)) throw error;
  console.error(error.message);
  process.exit(1);
}
const [{ routes }, { defineControlPlane }] = await Promise.all([
  import('../functions/api/routes'),
  import('./stacks/control-plane'),
]);
defineControlPlane(app, config, routes);
app.synth();
