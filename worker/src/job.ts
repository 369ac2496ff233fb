/** What a job tells the worker about its call: the dispatch's metadata and the caller's SIP attributes. */
import { ParticipantKind, type RemoteParticipant } from '@livekit/rtc-node';

/** The job's metadata as the platform's dispatch writes it: {orgId, agentId}. */
export function jobMetadata(raw: string): { orgId: string; agentId: string } {
  const parsed = JSON.parse(raw || '{}') as { orgId?: unknown; agentId?: unknown };
  if (typeof parsed.orgId !== 'string' || typeof parsed.agentId !== 'string')
    throw new Error('The job metadata has no orgId and agentId.');
  return { orgId: parsed.orgId, agentId: parsed.agentId };
}

/** SIP callers carry the numbers as participant attributes; anyone else is a console test call. */
export function callerOf(participant: Pick<RemoteParticipant, 'kind' | 'attributes'>) {
  if (participant.kind !== ParticipantKind.SIP) return { via: 'test_call' as const };
  const from = participant.attributes['sip.phoneNumber'];
  const to = participant.attributes['sip.trunkPhoneNumber'];
  return { via: 'phone' as const, ...(from ? { from } : {}), ...(to ? { to } : {}) };
}
