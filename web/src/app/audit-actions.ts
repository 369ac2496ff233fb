/**
 * Every action an organization's audit log records, in one declaration: the filter's choices (one
 * group per family) and the sentence each entry reads as after the actor ("{target}" is what it was
 * done to, by the name the entry kept). tests/unit/audit-actions.test.ts checks that each action the
 * API writes is declared here. The platform's own log (platform.*) is not an org's and is not listed.
 */

export interface AuditAction {
  label: string;
  sentence: string;
}

export const auditFamilies: { family: string; actions: Record<string, AuditAction> }[] = [
  {
    family: 'Organization',
    actions: {
      'org.created': { label: 'Organization created', sentence: 'created the organization {target}' },
      'org.updated': { label: 'Settings changed', sentence: 'changed the settings of {target}' },
      'org.ownership_transferred': { label: 'Ownership transferred', sentence: 'made {target} the owner' },
    },
  },
  {
    family: 'Members',
    actions: {
      'member.joined': { label: 'Member joined', sentence: 'joined by email domain' },
      'member.updated': { label: 'Member role changed', sentence: 'changed the role of {target}' },
      'member.removed': { label: 'Member removed', sentence: 'removed {target}' },
      'member.left': { label: 'Member left', sentence: 'left the organization' },
    },
  },
  {
    family: 'Invitations',
    actions: {
      'invite.created': { label: 'Invitation sent', sentence: 'invited {target}' },
      'invite.resent': { label: 'Invitation resent', sentence: 'resent the invitation to {target}' },
      'invite.revoked': { label: 'Invitation revoked', sentence: 'revoked the invitation to {target}' },
      'invite.accepted': { label: 'Invitation accepted', sentence: 'accepted the invitation' },
      'invite.declined': { label: 'Invitation declined', sentence: 'declined the invitation' },
    },
  },
  {
    family: 'Agents',
    actions: {
      'agent.created': { label: 'Agent created', sentence: 'created the agent {target}' },
      'agent.updated': { label: 'Agent changed', sentence: 'changed the agent {target}' },
      'agent.configured': {
        label: 'Agent voice or transcriber changed',
        sentence: 'changed the voice or transcriber of the agent {target}',
      },
      'agent.deleted': { label: 'Agent deleted', sentence: 'deleted the agent {target}' },
      'agent.shared': {
        label: 'Agent shared',
        sentence: 'shared the agent {target} with another organization',
      },
      'agent.unshared': {
        label: 'Agent sharing stopped',
        sentence: 'stopped sharing the agent {target} with another organization',
      },
      'agent.shared_in': {
        label: 'Agent shared in',
        sentence: 'shared in the agent {target} from another organization',
      },
      'agent.unshared_in': {
        label: 'Agent no longer shared in',
        sentence: 'stopped sharing the agent {target} with this organization',
      },
      'agent.tool_called': {
        label: 'Agent used a tool',
        sentence: 'used a tool in the conversation {target}',
      },
    },
  },
  {
    family: 'Conversations',
    actions: {
      'conversation.started': {
        label: 'Conversation started',
        sentence: 'started a conversation with the agent {target}',
      },
    },
  },
  {
    family: 'Phone numbers',
    actions: {
      'phone_number.created': { label: 'Number added', sentence: 'added the phone number {target}' },
      'phone_number.assigned': {
        label: 'Number assigned',
        sentence: 'assigned the phone number {target} to an agent',
      },
      'phone_number.unassigned': {
        label: 'Number unassigned',
        sentence: 'took the phone number {target} off its agent',
      },
      'phone_number.deleted': { label: 'Number removed', sentence: 'removed the phone number {target}' },
    },
  },
  {
    family: 'Tasks',
    actions: {
      'task.created': { label: 'Task created', sentence: 'created the task {target}' },
      'task.updated': { label: 'Task changed', sentence: 'changed the task {target}' },
      'task.pending': { label: 'Task back to pending', sentence: 'moved the task {target} back to pending' },
      'task.in_progress': { label: 'Task started', sentence: 'started the task {target}' },
      'task.completed': { label: 'Task completed', sentence: 'completed the task {target}' },
      'task.failed': { label: 'Task failed', sentence: 'marked the task {target} as failed' },
      'task.cancelled': { label: 'Task cancelled', sentence: 'cancelled the task {target}' },
      'task.deleted': { label: 'Task deleted', sentence: 'deleted the task {target}' },
    },
  },
  {
    family: 'Prompts',
    actions: {
      'prompt.created': { label: 'Prompt created', sentence: 'created the prompt {target}' },
      'prompt.updated': { label: 'Prompt changed', sentence: 'changed the prompt {target}' },
      'prompt.deleted': { label: 'Prompt deleted', sentence: 'deleted the prompt {target}' },
    },
  },
  {
    family: 'Knowledge',
    actions: {
      'knowledge.created': { label: 'Knowledge added', sentence: 'added the knowledge entry {target}' },
      'knowledge.updated': { label: 'Knowledge changed', sentence: 'changed the knowledge entry {target}' },
      'knowledge.deleted': { label: 'Knowledge deleted', sentence: 'deleted the knowledge entry {target}' },
    },
  },
  {
    family: 'API clients',
    actions: {
      'api_client.created': { label: 'API client created', sentence: 'created the API client {target}' },
      'api_client.deleted': { label: 'API client deleted', sentence: 'deleted the API client {target}' },
    },
  },
  {
    family: 'Platform',
    actions: {
      'org.entitlements_changed': {
        label: 'Plan changed',
        sentence: 'changed the plan or SAML of {target}',
      },
      'org.suspended': { label: 'Organization suspended', sentence: 'suspended {target}' },
      'org.reactivated': { label: 'Organization reactivated', sentence: 'reactivated {target}' },
      'org.found_by_platform': {
        label: 'Found by a platform admin',
        sentence: 'found {target} in a platform search',
      },
      'org.read_by_platform': {
        label: 'Viewed by a platform admin',
        sentence: 'viewed {target} from the platform admin area',
      },
      'member.read_by_platform': {
        label: 'Member looked up by a platform admin',
        sentence: 'looked up {target} from the platform admin area',
      },
    },
  },
];

/** Every declared action by its name. */
export const auditActions: Record<string, AuditAction> = Object.assign(
  {},
  ...auditFamilies.map((f) => f.actions),
);

/** The filter's choices: a group per family. */
export const auditActionChoices = auditFamilies.map(({ family, actions }) => ({
  group: family,
  items: Object.entries(actions).map(([value, { label }]) => ({ value, label })),
}));

/** The sentence after the actor, split around the target: an action this console does not know reads as itself. */
export function sentenceOf(action: string): { before: string; after: string | undefined } {
  const sentence = auditActions[action]?.sentence ?? `${action} {target}`;
  const [before = '', after] = sentence.split('{target}');
  return { before, after };
}
