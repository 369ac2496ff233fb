/**
 * Speech stand-in for the local stack and tests: one server on 127.0.0.1 speaking the providers'
 * own HTTP APIs, backed by real offline engines from Debian packages (README "Voice turns"):
 *
 * - Deepgram's pre-recorded transcription, `POST /v1/listen` (`Authorization: Token <key>`, the
 *   audio as the raw body, any container ffmpeg reads: WAV, WebM/Opus from a browser), answered by
 *   CMU PocketSphinx (`pocketsphinx_continuous`, model `pocketsphinx-en-us`) after ffmpeg has made
 *   the audio 16 kHz mono PCM. The reply has Deepgram's shape:
 *   `{metadata: {duration, channels}, results: {channels: [{alternatives: [{transcript, confidence}]}]}}`.
 * - OpenAI's text to speech, `POST /v1/audio/speech` (`Authorization: Bearer <key>`, JSON
 *   `{model, input, voice, speed, response_format}`), spoken by Festival with the HTS voice
 *   `cmu_us_slt_arctic_hts` (`festvox-us-slt-hts`) at the speed asked (sox `tempo`), sent as WAV
 *   (or MP3/Opus through ffmpeg).
 *
 * Like the providers, a request without a key is refused (401). Faults, per request: a key
 * containing `fault-500` (500), `fault-slow` (answers after `slowMs`), or armed for the next N
 * requests of an API with `armFault` (`POST /dev/speech/faults {api, mode, times}` on the local
 * stack). Every request is recorded without its body.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { LocalService } from './gateway';
import { sendJson } from './gateway';
import { listenLocal } from './ports';

export type SpeechApi = 'listen' | 'speech';
export const speechFaultModes = ['500', 'slow'] as const;
export type SpeechFaultMode = (typeof speechFaultModes)[number];

export interface RecordedSpeechRequest {
  api: SpeechApi;
  /** The Authorization header as sent (tests check the key went there, and only there). */
  authorization: string | undefined;
  contentType: string | undefined;
  query: Record<string, string>;
  /** OpenAI's JSON body (text to speech only). */
  json: unknown;
  bytes: number;
}

export interface SpeechStandin {
  /** http://127.0.0.1:<port>: Deepgram's base URL (`/v1/listen`) and OpenAI's (`/v1/audio/speech`). */
  url: string;
  requests: RecordedSpeechRequest[];
  armFault(api: SpeechApi, mode: SpeechFaultMode, times?: number): void;
  stop(): Promise<void>;
}

export interface SpeechStandinOptions {
  port?: number;
  /** How long a slow answer takes (abandoned when the caller hangs up). Default 60 s. */
  slowMs?: number;
}

/** The engines the stand-in runs, by command: what `.ci/run` installs and the README lists. */
export const speechEngines = {
  ffmpeg: 'ffmpeg',
  recognizer: 'pocketsphinx_continuous',
  synthesizer: 'text2wave',
  resampler: 'sox',
} as const;

/** The Debian packages that provide the engines (`.ci/run` installs them). */
export const speechPackages = [
  'ffmpeg',
  'sox',
  'festival',
  'festvox-us-slt-hts',
  'pocketsphinx',
  'pocketsphinx-en-us',
];

/** The engines not found on PATH: the stand-in answers 500 to what needs them. */
export function missingSpeechEngines(): string[] {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  return Object.values(speechEngines).filter(
    (command) => !dirs.some((dir) => existsSync(join(dir, command))),
  );
}

/** Festival's voice: the HTS one is recognized word for word far more often than the default diphone voice. */
const festivalVoice = '(voice_cmu_us_slt_arctic_hts)';

function run(command: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      args,
      { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${command} failed: ${stderr.toString().slice(-400) || error.message}`));
        else resolve(stdout.toString());
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

async function inTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'speech-standin-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Recognizes speech in any audio ffmpeg reads; the duration is the decoded audio's, in seconds. */
export async function recognize(audio: Buffer): Promise<{ transcript: string; duration: number }> {
  return inTempDir(async (dir) => {
    const input = join(dir, 'input');
    const pcm = join(dir, 'pcm.wav');
    await writeFile(input, audio);
    await run(speechEngines.ffmpeg, [
      '-nostdin',
      '-loglevel',
      'error',
      '-i',
      input,
      '-ar',
      '16000',
      '-ac',
      '1',
      '-c:a',
      'pcm_s16le',
      '-f',
      'wav',
      pcm,
    ]);
    const wav = await readFile(pcm);
    // 16 kHz, 16-bit mono: 32,000 bytes a second after the 44-byte header.
    const duration = Math.max(0, wav.byteLength - 44) / 32_000;
    const out = await run(speechEngines.recognizer, ['-infile', pcm, '-logfn', '/dev/null']);
    const transcript = out
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .join(' ');
    return { transcript, duration: Math.round(duration * 1000) / 1000 };
  });
}

/**
 * Speaks `text` with Festival; WAV at 16 kHz, or MP3/Opus through ffmpeg. `speed` as OpenAI's
 * (1 is normal): sox's `tempo` changes the pace and keeps the pitch, as the provider does.
 */
export async function synthesize(
  text: string,
  format: 'wav' | 'mp3' | 'opus' = 'wav',
  speed = 1,
): Promise<{ audio: Buffer; contentType: string }> {
  return inTempDir(async (dir) => {
    const spoken = join(dir, 'spoken.wav');
    const wav = join(dir, 'speech.wav');
    await writeFile(join(dir, 'text.txt'), text);
    await run(speechEngines.synthesizer, ['-eval', festivalVoice, '-o', spoken, join(dir, 'text.txt')]);
    const tempo = speed === 1 ? [] : ['tempo', '-s', String(speed)];
    // -D: no dither. sox adds random noise when it writes 16-bit samples after resampling, which made
    // the same phrase recognised differently from one run to the next.
    await run(speechEngines.resampler, ['-D', spoken, '-r', '16000', '-c', '1', '-b', '16', wav, ...tempo]);
    if (format === 'wav') return { audio: await readFile(wav), contentType: 'audio/wav' };
    const encoded = join(dir, format === 'mp3' ? 'speech.mp3' : 'speech.ogg');
    await run(speechEngines.ffmpeg, ['-nostdin', '-loglevel', 'error', '-i', wav, encoded]);
    return { audio: await readFile(encoded), contentType: format === 'mp3' ? 'audio/mpeg' : 'audio/ogg' };
  });
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

const speechFormats = ['wav', 'mp3', 'opus'] as const;

export async function startSpeechStandin(options: SpeechStandinOptions = {}): Promise<SpeechStandin> {
  const requests: RecordedSpeechRequest[] = [];
  const armed: Partial<Record<SpeechApi, { mode: SpeechFaultMode; times: number }>> = {};
  const slowMs = options.slowMs ?? 60_000;

  const faultFor = (api: SpeechApi, key: string): SpeechFaultMode | undefined => {
    const marked = speechFaultModes.find((mode) => key.includes(`fault-${mode}`));
    if (marked) return marked;
    const next = armed[api];
    if (next && next.times > 0) {
      next.times -= 1;
      return next.mode;
    }
    return undefined;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const api: SpeechApi | undefined =
      url.pathname === '/v1/listen' ? 'listen' : url.pathname === '/v1/audio/speech' ? 'speech' : undefined;
    if (req.method !== 'POST' || !api) {
      json(res, 404, { err_msg: `No route ${req.method} ${url.pathname}` });
      return;
    }
    const body = await readBody(req);
    const authorization = req.headers.authorization;
    let parsed: unknown;
    if (api === 'speech') {
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        parsed = undefined;
      }
    }
    requests.push({
      api,
      authorization,
      contentType: req.headers['content-type'],
      query: Object.fromEntries(url.searchParams),
      json: parsed,
      bytes: body.byteLength,
    });
    const scheme = api === 'listen' ? 'Token ' : 'Bearer ';
    const key = authorization?.startsWith(scheme) ? authorization.slice(scheme.length).trim() : '';
    if (!key) {
      if (api === 'listen') json(res, 401, { err_code: 'INVALID_AUTH', err_msg: 'Invalid credentials.' });
      else
        json(res, 401, { error: { message: 'Incorrect API key provided.', type: 'invalid_request_error' } });
      return;
    }
    const fault = faultFor(api, key);
    if (fault === 'slow') {
      const waited = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(true), slowMs);
        res.on('close', () => {
          clearTimeout(timer);
          resolve(false);
        });
      });
      if (!waited) return;
    }
    if (fault === '500') {
      if (api === 'listen')
        json(res, 500, { err_code: 'INTERNAL_SERVER_ERROR', err_msg: 'The engine failed.' });
      else json(res, 500, { error: { message: 'The server had an error', type: 'server_error' } });
      return;
    }

    if (api === 'listen') {
      if (body.byteLength === 0) {
        json(res, 400, { err_code: 'Bad Request', err_msg: 'Audio is empty.' });
        return;
      }
      let heard: { transcript: string; duration: number };
      try {
        heard = await recognize(body);
      } catch {
        json(res, 400, { err_code: 'Bad Request', err_msg: 'The audio could not be decoded.' });
        return;
      }
      json(res, 200, {
        metadata: { request_id: `standin-${requests.length}`, duration: heard.duration, channels: 1 },
        results: {
          channels: [
            {
              alternatives: [
                { transcript: heard.transcript, confidence: heard.transcript ? 0.9 : 0, words: [] },
              ],
            },
          ],
        },
      });
      return;
    }

    const input = parsed as {
      model?: unknown;
      input?: unknown;
      voice?: unknown;
      response_format?: unknown;
      speed?: unknown;
    };
    const format = speechFormats.find((f) => f === (input?.response_format ?? 'mp3'));
    const speed = input?.speed ?? 1;
    if (
      typeof input?.input !== 'string' ||
      !input.input.trim() ||
      typeof input.model !== 'string' ||
      typeof input.voice !== 'string' ||
      !format ||
      typeof speed !== 'number' ||
      speed < 0.25 ||
      speed > 4
    ) {
      json(res, 400, {
        error: {
          message: `Give model, voice, non-empty input, a speed from 0.25 to 4.0 and a response_format of ${speechFormats.join(', ')}.`,
          type: 'invalid_request_error',
        },
      });
      return;
    }
    const spoken = await synthesize(input.input, format, speed);
    res.writeHead(200, {
      'content-type': spoken.contentType,
      'content-length': String(spoken.audio.byteLength),
    });
    res.end(spoken.audio);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) res.end();
      else json(res, 500, { error: { message: error instanceof Error ? error.message : 'failed' } });
    });
  });
  const port = await listenLocal(server, options.port ?? 0);
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    armFault(api, mode, times = 1) {
      armed[api] = { mode, times };
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `POST /dev/speech/faults {api: listen|speech, mode: 500|slow, times}` arms the stand-in's next answers. */
export function speechControlService(standin: SpeechStandin): LocalService {
  return async (req, res, url, body) => {
    if (url.pathname !== '/dev/speech/faults' || req.method !== 'POST') return false;
    let input: { api?: unknown; mode?: unknown; times?: unknown } = {};
    try {
      input = JSON.parse(body.toString('utf8') || '{}');
    } catch {
      input = {};
    }
    const api = (['listen', 'speech'] as const).find((a) => a === input.api);
    const mode = speechFaultModes.find((m) => m === input.mode);
    if (!api || !mode) {
      sendJson(res, 400, {
        detail: `api must be listen or speech, mode one of ${speechFaultModes.join(', ')}`,
      });
      return true;
    }
    standin.armFault(api, mode, typeof input.times === 'number' ? input.times : 1);
    sendJson(res, 200, { armed: { api, mode } });
    return true;
  };
}
