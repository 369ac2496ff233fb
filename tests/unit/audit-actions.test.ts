/**
 * The audit log's one declaration of actions (web/src/app/audit-actions.ts) covers every action the
 * API writes to an org's log: each `<resource>.<verb>` literal given as an action in the handlers,
 * domain and jobs, and each task status (task.<status>). The platform's own log (platform.*) is not an org's.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { taskStatuses } from '../../functions/api/schemas/tasks';
import { auditActionChoices, auditActions, sentenceOf } from '../../web/src/app/audit-actions';

const root = resolve(import.meta.dirname, '../../functions');
const resources = [
  'org',
  'member',
  'invite',
  'agent',
  'conversation',
  'phone_number',
  'task',
  'prompt',
  'knowledge',
  'api_client',
];

function written(): Set<string> {
  const found = new Set<string>();
  const literal = new RegExp(`['\`]((?:${resources.join('|')})\\.[a-z_]+)['\`]`, 'g');
  for (const dir of ['http', 'domain', 'jobs']) {
    for (const file of readdirSync(join(root, dir), { recursive: true }) as string[]) {
      if (!file.endsWith('.ts')) continue;
      // Lines that name an action: `action: …` (with its alternatives) and the invitations' helper.
      const lines = readFileSync(join(root, dir, file), 'utf8')
        .split('\n')
        .filter((line) => /\baction: |inviteChange\(/.test(line));
      for (const line of lines) for (const match of line.matchAll(literal)) found.add(match[1]!);
    }
  }
  for (const status of taskStatuses) found.add(`task.${status}`);
  return found;
}

describe('audit actions', () => {
  it('declares every action the API writes to an org log', () => {
    const actions = written();
    expect(actions.size).toBeGreaterThan(40);
    expect([...actions].filter((a) => !(a in auditActions)).sort()).toEqual([]);
  });

  it('offers every family in the filter, each action once', () => {
    const groups = auditActionChoices.map((g) => g.group);
    for (const family of [
      'Agents',
      'Phone numbers',
      'Tasks',
      'Prompts',
      'Knowledge',
      'API clients',
      'Platform',
    ]) {
      expect(groups).toContain(family);
    }
    const values = auditActionChoices.flatMap((g) => g.items.map((i) => i.value));
    expect(new Set(values).size).toBe(values.length);
  });

  it('reads one sentence per action around its target', () => {
    expect(sentenceOf('agent.deleted')).toEqual({ before: 'deleted the agent ', after: '' });
    expect(sentenceOf('member.left')).toEqual({ before: 'left the organization', after: undefined });
    expect(sentenceOf('thing.happened')).toEqual({ before: 'thing.happened ', after: '' });
  });
});
