/**
 * CDK entry point (`cdk synth`, `cdk deploy --all -c stage=<name>`). A bad context value ends
 * synth with one line naming it; everything else lives in stacks/control-plane.ts.
 */
import { App } from 'aws-cdk-lib';
import { routes } from '../functions/api/routes';
import { ContextError, type DeployConfig, parseConfig } from './config';
import { defineControlPlane } from './stacks/control-plane';

const app = new App();
let config: DeployConfig;
try {
  config = parseConfig((key) => app.node.tryGetContext(key));
} catch (error) {
  if (!(error instanceof ContextError)) throw error;
  console.error(error.message);
  process.exit(1);
}
defineControlPlane(app, config, routes);
app.synth();
