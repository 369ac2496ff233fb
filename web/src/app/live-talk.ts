/**
 * Talking live with an agent in its LiveKit room (issue 22 path 1), behind one small port so the
 * page knows nothing of the SDK: join with the session's token, publish the microphone the page
 * opened, hand over the agent's audio and both sides' transcript, mute, hang up.
 *
 * `livekit-client` is imported here on demand only (its own chunk, fetched when someone presses
 * Talk), so it adds nothing to the console's first load. The transcript comes from the voice
 * worker's transcription text streams (topic `lk.transcription`): each stream is one segment
 * (`lk.segment_id`) of the track named by `lk.transcribed_track_id`, sent again while the words
 * are interim, with `lk.transcription_final` set on the last.
 */

export interface TranscriptSegment {
  id: string;
  speaker: 'you' | 'agent';
  text: string;
  final: boolean;
}

export interface LiveTalkEvents {
  /** A segment new or grown; the same id replaces what was shown for it. */
  onTranscript(segment: TranscriptSegment): void;
  /** The agent's voice: an element playing its audio track. */
  onAgentAudio(element: HTMLMediaElement): void;
  /** The room closed without a hang-up from here (the server ended it, the network went). */
  onLost(): void;
}

export interface LiveTalk {
  setMuted(muted: boolean): Promise<void>;
  hangUp(): Promise<void>;
}

/** Joining failed before the call began: the server refused or could not be reached. */
export class ConnectRefused extends Error {}

export const transcriptionTopic = 'lk.transcription';

export async function joinTalk(
  session: { serverUrl: string; token: string },
  microphone: MediaStreamTrack,
  events: LiveTalkEvents,
): Promise<LiveTalk> {
  const { Room, RoomEvent, Track } = await import('livekit-client');
  const room = new Room();
  let hungUp = false;
  let micTrackSid: string | undefined;

  room.registerTextStreamHandler(transcriptionTopic, async (reader, participant) => {
    const attributes = reader.info.attributes ?? {};
    const transcribed = attributes['lk.transcribed_track_id'];
    const speaker =
      (transcribed && transcribed === micTrackSid) || participant.identity === room.localParticipant.identity
        ? 'you'
        : 'agent';
    const id = attributes['lk.segment_id'] ?? reader.info.id;
    let text = '';
    for await (const chunk of reader) {
      text += chunk;
      events.onTranscript({ id, speaker, text, final: false });
    }
    events.onTranscript({ id, speaker, text, final: attributes['lk.transcription_final'] === 'true' });
  });
  room.on(RoomEvent.TrackSubscribed, (track) => {
    if (track.kind === Track.Kind.Audio) events.onAgentAudio(track.attach());
  });
  room.on(RoomEvent.Disconnected, () => {
    if (!hungUp) events.onLost();
  });

  try {
    await room.connect(session.serverUrl, session.token);
  } catch (error) {
    hungUp = true;
    await room.disconnect();
    throw new ConnectRefused(error instanceof Error ? error.message : String(error));
  }
  const publication = await room.localParticipant.publishTrack(microphone, {
    source: Track.Source.Microphone,
  });
  micTrackSid = publication.trackSid;
  // Pressing Talk was the gesture; this lets the agent's audio play where autoplay is held back.
  await room.startAudio();

  return {
    async setMuted(muted) {
      if (muted) await publication.mute();
      else await publication.unmute();
    },
    async hangUp() {
      hungUp = true;
      await room.disconnect();
    },
  };
}
