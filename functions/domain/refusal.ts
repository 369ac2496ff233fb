/**
 * Why a rule refuses a request, without HTTP: the handler maps the kind to a status
 * (forbidden 403, conflict 409, gone 410, refused 422).
 */
export interface Refusal {
  kind: 'forbidden' | 'conflict' | 'gone' | 'refused';
  message: string;
  field?: string;
}

export function refuse(kind: Refusal['kind'], message: string, field?: string): Refusal {
  return field ? { kind, message, field } : { kind, message };
}
