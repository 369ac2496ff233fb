/**
 * The LLM stand-in's tool calling, deterministic from the request (README "Voice worker turns and
 * tools" lists the rules). Offered tools only; a request whose last turn carries tool results is
 * answered with a sentence about them, so a test can read what the tools gave back in the reply.
 */

export interface StandinToolCall {
  name: string;
  input: Record<string, unknown>;
}

export interface ToolResultSeen {
  name: string;
  result: Record<string, unknown>;
}

export type StandinStep = { kind: 'text'; text: string } | { kind: 'tools'; calls: StandinToolCall[] };

const firstEmail = (text: string) => text.match(/[\w.+-]+@[\w-]+(\.[\w-]+)+/)?.[0];
const firstInstant = (text: string) => text.match(/\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?Z/)?.[0];
const firstNumber = (text: string) => text.match(/\+[1-9]\d{7,14}/)?.[0];
const withDefined = (input: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));

/** The tool a user's words ask for, first rule that matches wins; none when no rule does. */
export function toolFor(offered: ReadonlySet<string>, question: string): StandinToolCall | undefined {
  const text = question.toLowerCase();
  const email = firstEmail(question);
  const rules: [string, boolean, () => Record<string, unknown>][] = [
    [
      'transfer',
      /\btransfer\b/.test(text) && firstNumber(question) !== undefined,
      () => ({ number: firstNumber(question) }),
    ],
    ['end_call', /\b(goodbye|bye|hang up)\b/.test(text), () => ({ reason: 'The caller said goodbye.' })],
    [
      'book_event',
      /\bbook\b/.test(text),
      () =>
        withDefined({
          memberEmail: email,
          start: firstInstant(question),
          durationMinutes: 30,
          title: 'Appointment booked by phone',
          confirmed: /\b(yes|confirm|confirmed)\b/.test(text),
        }),
    ],
    [
      'find_free_slots',
      /\b(available|availability|free)\b/.test(text),
      () => withDefined({ from: firstInstant(question), durationMinutes: 30, memberEmail: email }),
    ],
    [
      'create_task',
      /\b(follow[- ]?up|task)\b/.test(text),
      () => withDefined({ subject: `Follow up: ${question.slice(0, 120)}`, assigneeEmail: email }),
    ],
  ];
  const rule = rules.find(([name, matches]) => matches && offered.has(name));
  return rule && { name: rule[0], input: rule[2]() };
}

/** One sentence per tool result, in order. */
export function sentenceAbout({ name, result }: ToolResultSeen): string {
  if (typeof result.error === 'string') return `Sorry, ${result.error}`;
  switch (name) {
    case 'find_free_slots': {
      const members = (result.members ?? []) as { email: string; slots: { start: string }[] }[];
      const open = members.filter((m) => m.slots.length > 0);
      if (open.length === 0) return 'Nobody has free time then.';
      return `Free times: ${open.map((m) => `${m.email} at ${m.slots[0]?.start}`).join('; ')}.`;
    }
    case 'book_event':
      return `Booked "${String(result.title)}" with ${String(result.memberEmail)} at ${String(result.start)}.`;
    case 'create_task':
      return `I created follow-up task ${String(result.taskId)}.`;
    case 'transfer':
      return 'Transferring you now.';
    case 'end_call':
      return 'Goodbye.';
    default:
      return `Done: ${name}.`;
  }
}
