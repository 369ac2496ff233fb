/**
 * One audit value in words, as the audit log shows it beside its field: nested objects (an agent's
 * voice configuration, its model settings) read as their key paths and values, and a stored key as
 * whether it is set and its last four characters, never as "[object Object]".
 */

/** The parts of an org's limits, in words (limits: 5 members). */
const limitNames: Record<string, string> = {
  maxUsers: 'members',
  maxAgents: 'agents',
  maxPhoneNumbers: 'phone numbers',
};

const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

type Plain = Record<string, unknown>;

const isPlain = (value: unknown): value is Plain =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What an agent's view says of a stored key (KeyState): whether it is set, and its last four. */
const isKeyState = (value: unknown): value is { set: boolean; last4?: string } =>
  isPlain(value) &&
  typeof value.set === 'boolean' &&
  Object.keys(value).every((k) => k === 'set' || (k === 'last4' && typeof value.last4 === 'string'));

/** A value that is not split into parts: anything but a plain object, and a key's state. */
function leafText(value: unknown, format: (iso: string) => string): string {
  if (value === undefined || value === null) return 'none';
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (typeof value === 'string') return isoInstant.test(value) ? format(value) : value;
  if (isKeyState(value)) return value.set ? (value.last4 ? `set (…${value.last4})` : 'set') : 'not set';
  if (Array.isArray(value)) {
    if (value.length === 0) return 'none';
    // Items that have parts of their own are told apart by semicolons.
    return value
      .map((item) => describeValue(item, undefined, format))
      .join(value.some(isPlain) ? '; ' : ', ');
  }
  return String(value);
}

/** A plain object's leaves by key path (ttsConfig → provider, apiKey, …; deeper ones as a.b). */
function leaves(value: Plain, path = ''): [string, unknown][] {
  return Object.entries(value).flatMap(([key, part]) => {
    const at = path ? `${path}.${key}` : key;
    return isPlain(part) && !isKeyState(part) && Object.keys(part).length > 0
      ? leaves(part, at)
      : [[at, part] as [string, unknown]];
  });
}

/**
 * `value` in words. A plain object lists its parts as `path: value`; given the value on the other
 * side of a change (`other`), only the parts that differ (limits: 5 members → 4 members; an agent's
 * voice: apiKey: set (…1234) → apiKey: set (…9876)).
 */
export function describeValue(value: unknown, other: unknown, format: (iso: string) => string): string {
  if (!isPlain(value) || isKeyState(value)) return leafText(value, format);
  const parts = leaves(value);
  if (parts.length === 0) return 'none';
  const otherParts = new Map(isPlain(other) ? leaves(other) : []);
  const differing = parts.filter(
    ([path, part]) => JSON.stringify(part) !== JSON.stringify(otherParts.get(path)),
  );
  return (isPlain(other) && differing.length ? differing : parts)
    .map(([path, part]) =>
      limitNames[path]
        ? `${leafText(part, format)} ${limitNames[path]}`
        : `${path}: ${leafText(part, format)}`,
    )
    .join(', ');
}
