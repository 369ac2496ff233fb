/**
 * cdk-nag 3 acknowledges findings one by one, and a wildcard finding's id embeds the resource as
 * cdk-nag renders it (`<LogicalId.Arn>`); these helpers build those ids from the constructs.
 */
import { type CfnElement, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export function logicalIdOf(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  const stack = Stack.of(element);
  return stack.resolve(stack.getLogicalId(element)) as string;
}

/** `AwsSolutions-IAM5[Resource::<Id.Arn><suffix>]` for a wildcard under a resource's ARN. */
export function wildcardUnder(construct: IConstruct, suffix: string): string {
  return `AwsSolutions-IAM5[Resource::<${logicalIdOf(construct)}.Arn>${suffix}]`;
}
