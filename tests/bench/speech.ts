/**
 * The speech bench, in a process of its own: `npx tsx tests/bench/speech.ts`. Prints the section
 * (speech-report.ts) on stderr and, as its last stdout line, the result as JSON (the shape
 * run.ts's sectionProcess reads).
 *
 * 1. Word error rate of the local recognizer: 20 fixed phrases spoken by Festival, recognized by
 *    PocketSphinx through the speech stand-in's Deepgram API with the Deepgram adapter.
 * 2. A voice turn's latency split (STT, model to first token, model, TTS to first byte, TTS, total)
 *    through the whole local stack (startLocalStack: DynamoDB Local, the LLM and speech stand-ins),
 *    median of BENCH_VOICE_TURNS (default 5) turns.
 */
import { deepgramStt } from '../../functions/adapters/stt-deepgram';
import { synthesize } from '../../infra/local/speech-standin';
import { type LocalStack, startLocalStack } from '../../infra/local/stack';
import { speechSection } from './speech-report';

export const phrases = [
  'how do i reset my password',
  'what are your opening hours',
  'where can visitors park their car',
  'book a meeting for tomorrow morning',
  'how long do refunds take',
  'can i change my delivery address',
  'i would like to speak to a person',
  'is the office open on saturday',
  'please cancel my subscription',
  'what is the price of the basic plan',
  'do you ship to canada',
  'my order has not arrived yet',
  'how do i update my credit card',
  'can you send me the invoice again',
  'where is your nearest store',
  'i forgot my user name',
  'what time does the support team start',
  'how many people can join a call',
  'the app keeps crashing on my phone',
  'thank you that is all for today',
] as const;

export interface PhraseResult {
  said: string;
  heard: string;
  words: number;
  errors: number;
}

export interface SpeechResult {
  phrases: PhraseResult[];
  words: number;
  errors: number;
  wer: number;
  exact: number;
  turns: {
    n: number;
    sttMs: number;
    modelFirstTokenMs: number | null;
    modelMs: number;
    ttsFirstByteMs: number;
    ttsMs: number;
    totalMs: number;
    clientMs: number;
  };
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const wordsOf = (text: string) => text.toLowerCase().match(/[a-z0-9']+/g) ?? [];
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Word-level edit distance: substitutions, deletions and insertions. */
export function wordErrors(reference: string[], hypothesis: string[]): number {
  let previous = Array.from({ length: hypothesis.length + 1 }, (_, j) => j);
  for (let i = 1; i <= reference.length; i++) {
    const row = [i];
    for (let j = 1; j <= hypothesis.length; j++) {
      const same = reference[i - 1] === hypothesis[j - 1] ? 0 : 1;
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + same);
    }
    previous = row;
  }
  return previous[hypothesis.length]!;
}

async function wordErrorRate(baseUrl: string): Promise<Omit<SpeechResult, 'turns'>> {
  const stt = deepgramStt({ baseUrl, apiKey: 'bench', timeoutMs: 60_000 });
  const results: PhraseResult[] = [];
  for (const said of phrases) {
    const { audio } = await synthesize(said, 'wav');
    const heard = await stt.transcribe(
      { bytes: audio, mediaType: 'audio/wav' },
      { model: 'nova-3', language: 'en' },
    );
    const reference = wordsOf(said);
    const errors = wordErrors(reference, wordsOf(heard.text));
    results.push({ said, heard: heard.text, words: reference.length, errors });
    log(`  ${errors === 0 ? '=' : '≠'} "${said}" -> "${heard.text}"`);
  }
  const words = results.reduce((n, r) => n + r.words, 0);
  const errors = results.reduce((n, r) => n + r.errors, 0);
  return {
    phrases: results,
    words,
    errors,
    wer: errors / words,
    exact: results.filter((r) => !r.errors).length,
  };
}

async function voiceTurns(stack: LocalStack, n: number): Promise<SpeechResult['turns']> {
  const url = stack.url;
  const token = (
    (await (
      await fetch(`${url}/dev/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'speech-bench@bench.test' }),
      })
    ).json()) as { token: string }
  ).token;
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}/api${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
    return res.json() as Promise<{ id: string }>;
  };
  const org = await api('POST', '/orgs', { name: 'Speech bench' });
  const agent = await api('POST', `/orgs/${org.id}/agents`, { name: 'Desk', type: 'voice' });
  await api('PUT', `/orgs/${org.id}/agents/${agent.id}/config`, {
    sttConfig: { provider: 'deepgram', model: 'nova-3', language: 'en-US', apiKey: 'bench-stt' },
    ttsConfig: {
      provider: 'openai',
      voiceId: 'alloy',
      model: 'tts-1',
      speed: 1,
      language: 'en-US',
      apiKey: 'bench-tts',
    },
  });
  for (const [title, content] of [
    ['Parking', 'Visitors park in the basement garage beside the lifts.'],
    ['Opening hours', 'The office is open from nine to five on weekdays.'],
    ['Refunds', 'Refunds reach the original card within five working days.'],
  ]) {
    await api('POST', `/orgs/${org.id}/knowledge`, { title, content });
  }
  const conversation = await api('POST', `/orgs/${org.id}/agents/${agent.id}/conversations`, {
    channel: 'console',
  });
  const questions = [
    'where can visitors park their car',
    'what are your opening hours',
    'how long do refunds take',
  ];
  const audio = await Promise.all(questions.map(async (q) => (await synthesize(q, 'wav')).audio));
  const timings: (SpeechResult['turns'] & { n?: number })[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const res = await fetch(
      `${url}/api/orgs/${org.id}/agents/${agent.id}/conversations/${conversation.id}/voice`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'audio/wav' },
        body: new Uint8Array(audio[i % audio.length]!),
      },
    );
    const body = (await res.json()) as {
      transcript: string;
      timings: Omit<SpeechResult['turns'], 'n' | 'clientMs'>;
    };
    if (res.status !== 201) throw new Error(`voice turn answered ${res.status}: ${JSON.stringify(body)}`);
    const clientMs = performance.now() - started;
    timings.push({ ...body.timings, clientMs, n: 1 });
    log(
      `  turn ${i + 1}: "${body.transcript}" ${JSON.stringify(body.timings)} client ${clientMs.toFixed(0)} ms`,
    );
  }
  const of = (key: keyof Omit<SpeechResult['turns'], 'n'>) => median(timings.map((t) => t[key] ?? 0));
  const firstTokens = timings.map((t) => t.modelFirstTokenMs).filter((v): v is number => v !== null);
  return {
    n,
    sttMs: of('sttMs'),
    modelFirstTokenMs: firstTokens.length ? median(firstTokens) : null,
    modelMs: of('modelMs'),
    ttsFirstByteMs: of('ttsFirstByteMs'),
    ttsMs: of('ttsMs'),
    totalMs: of('totalMs'),
    clientMs: of('clientMs'),
  };
}

export async function measureSpeech(): Promise<SpeechResult> {
  // The providers are the stack's own stand-ins, whatever the shell has configured.
  delete process.env.DEEPGRAM_URL;
  delete process.env.OPENAI_SPEECH_URL;
  const stack = await startLocalStack({ port: 0 });
  try {
    log(`speech: word error rate on ${phrases.length} phrases (Festival -> PocketSphinx)`);
    const wer = await wordErrorRate(stack.speech!.url);
    log('speech: voice turns through the local stack');
    const turns = await voiceTurns(stack, Number(process.env.BENCH_VOICE_TURNS ?? 5));
    return { ...wer, turns };
  } finally {
    await stack.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await measureSpeech();
  log(speechSection(result));
  console.log(JSON.stringify(result));
  process.exit(0);
}
