/** The speech section of REPORT.md, from what tests/bench/speech.ts printed. */
import type { SpeechResult } from './speech';

export const speechHeading = '## Speech: recognizer word error rate and the voice turn’s latency';

const ms = (v: number | null) => (v === null ? '—' : v.toFixed(0));

export function speechSection(result: SpeechResult): string {
  const rows = result.phrases.map(
    (p) => `| ${p.said} | ${p.heard || '(nothing)'} | ${p.errors} / ${p.words} |`,
  );
  const t = result.turns;
  return `${speechHeading}

The local engines (README "Voice turns"): Festival (HTS voice cmu_us_slt_arctic_hts) speaks ${result.phrases.length} fixed phrases, resampled to 16 kHz by sox, and PocketSphinx (pocketsphinx-en-us) recognizes them through the speech stand-in's Deepgram API, as a voice turn does.

**Word error rate: ${(result.wer * 100).toFixed(1)} %** (${result.errors} substitutions, deletions and insertions over ${result.words} words; ${result.exact} of ${result.phrases.length} phrases word for word).

| said | heard | errors / words |
|---|---|---|
${rows.join('\n')}

Voice turns through the local stack (POST …/voice with a WAV of a knowledge-bank question, LLM and speech stand-ins), median of ${t.n} (milliseconds, from the route's own timings; total is the client's):

| STT | model to first token | model | TTS to first byte | TTS | route total | client total |
|---|---|---|---|---|---|---|
| ${ms(t.sttMs)} | ${ms(t.modelFirstTokenMs)} | ${ms(t.modelMs)} | ${ms(t.ttsFirstByteMs)} | ${ms(t.ttsMs)} | ${ms(t.totalMs)} | ${ms(t.clientMs)} |
`;
}
