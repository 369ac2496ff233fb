/**
 * Audio for voice tests: questions spoken by the local synthesizer (Festival, as the speech
 * stand-in speaks), the same as a browser's WebM/Opus (ffmpeg), silence, and WAV headers.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesize } from '../../infra/local/speech-standin';

/** A 16 kHz mono 16-bit WAV of `pcm` (little-endian samples). */
export function wavOf(pcm: Buffer, sampleRate = 16_000): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + pcm.byteLength, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(pcm.byteLength, 40);
  return Buffer.concat([header, pcm]);
}

/** `seconds` of silence as a WAV. */
export const silence = (seconds: number) => wavOf(Buffer.alloc(Math.round(seconds * 16_000) * 2));

/** The length of a WAV from its header, in seconds. */
export function wavDuration(wav: Buffer): number {
  const byteRate = wav.readUInt32LE(28);
  const dataAt = wav.indexOf('data', 12, 'ascii');
  return wav.readUInt32LE(dataAt + 4) / byteRate;
}

/** `text` spoken by Festival, as a 16 kHz WAV. */
export async function spoken(text: string): Promise<Buffer> {
  return (await synthesize(text, 'wav')).audio;
}

/** A WAV re-encoded as WebM/Opus, what a browser's MediaRecorder sends. */
export function asWebm(wav: Buffer): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'speech-test-'));
  try {
    writeFileSync(join(dir, 'in.wav'), wav);
    execFileSync('ffmpeg', [
      '-nostdin',
      '-loglevel',
      'error',
      '-i',
      join(dir, 'in.wav'),
      '-c:a',
      'libopus',
      join(dir, 'out.webm'),
    ]);
    return readFileSync(join(dir, 'out.webm'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
