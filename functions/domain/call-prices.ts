/**
 * The one price table calls are estimated from (README "Call records (issue 21)"): list prices
 * the providers publish for pay-as-you-go use, written down on the date below. An estimate for
 * the console, not an invoice: committed-use discounts, free tiers, taxes and the platform's own
 * hosting are not in it. Each price becomes an integer number of millionths of a dollar per
 * million units, and each line is rounded once, so a call's total is exactly the sum of its lines.
 */
import type { CallCost, CallUsage } from '../api/schemas/calls';

export const pricesAsOf = '2025-06-01';
export const pricesSource =
  'Providers’ public pay-as-you-go list prices (deepgram.com/pricing, assemblyai.com/pricing, openai.com/api/pricing, elevenlabs.io/pricing, cartesia.ai/pricing, azure.microsoft.com speech pricing, cloud.google.com speech and text-to-speech pricing, aws.amazon.com/bedrock/pricing, twilio.com/voice/pricing/us), as written down on that date';

/** Speech to text, US dollars per minute of audio streamed. */
const sttPerMinute: Record<string, number> = {
  'deepgram:nova-3': 0.0077,
  'deepgram:nova-2': 0.0058,
  'assemblyai:universal': 0.0025,
  'assemblyai:slam-1': 0.0045,
  'openai:gpt-4o-transcribe': 0.006,
  'openai:gpt-4o-mini-transcribe': 0.003,
  'openai:whisper-1': 0.006,
  'azure:standard': 0.0167,
  'google:chirp_2': 0.016,
  'google:long': 0.016,
  'google:short': 0.016,
};

/** Text to speech, US dollars per million characters spoken. */
const ttsPerMillionChars: Record<string, number> = {
  'elevenlabs:eleven_multilingual_v2': 100,
  'elevenlabs:eleven_turbo_v2_5': 50,
  'elevenlabs:eleven_flash_v2_5': 50,
  'cartesia:sonic-2': 39,
  'cartesia:sonic-turbo': 39,
  'openai:gpt-4o-mini-tts': 15,
  'openai:tts-1': 15,
  'openai:tts-1-hd': 30,
  'azure:neural': 16,
  'google:chirp3-hd': 30,
  'google:neural2': 16,
  'google:wavenet': 16,
};

/** The model, US dollars per million input and output tokens. */
const llmPerMillionTokens: Record<string, { input: number; output: number }> = {
  'bedrock:amazon.nova-micro-v1:0': { input: 0.035, output: 0.14 },
  'bedrock:amazon.nova-lite-v1:0': { input: 0.06, output: 0.24 },
  'bedrock:amazon.nova-pro-v1:0': { input: 0.8, output: 3.2 },
  'bedrock:anthropic.claude-3-haiku-20240307-v1:0': { input: 0.25, output: 1.25 },
  'bedrock:anthropic.claude-3-5-haiku-20241022-v1:0': { input: 0.8, output: 4 },
};

/**
 * An OpenAI-compatible endpoint can serve any model at any price: it is estimated as OpenAI's
 * gpt-4o-mini, and the line says so.
 */
const otherLlm = { item: 'openai-compatible (priced as gpt-4o-mini)', input: 0.15, output: 0.6 };

/** A phone call's SIP leg, US dollars per minute (a US local number's inbound minute). */
const telephonyPerMinute = 0.0085;

/** What a call was run with, as `provider:model` (the agent's configuration when the call started). */
export interface CallPricing {
  stt: string | null;
  tts: string | null;
  llm: string;
}

const micros = 1_000_000;
/** A price per unit as millionths of a dollar per million units (an integer). */
const perMillionMicros = (dollarsPerUnit: number) => Math.round(dollarsPerUnit * micros * micros);

type Line = CallCost['lines'][number];

function line(
  component: Line['component'],
  item: string,
  quantity: number,
  unit: Line['unit'],
  dollarsPerUnit: number,
): Line {
  const unitPricePerMillionMicros = perMillionMicros(dollarsPerUnit);
  return {
    component,
    item,
    quantity,
    unit,
    unitPricePerMillionMicros,
    amountMicros: Math.round((quantity * unitPricePerMillionMicros) / micros),
  };
}

/**
 * The call's estimated cost: one line per component it used (an unknown model is left out rather
 * than guessed, except OpenAI-compatible models, priced as said above).
 */
export function estimateCost(usage: CallUsage, pricing: CallPricing): CallCost {
  const lines: Line[] = [];
  const stt = pricing.stt && sttPerMinute[pricing.stt];
  if (stt && usage.sttSeconds > 0)
    lines.push(line('stt', pricing.stt!, usage.sttSeconds, 'second', stt / 60));
  const llm = llmPerMillionTokens[pricing.llm];
  const llmPrice = llm ? { item: pricing.llm, ...llm } : otherLlm;
  if (usage.llmInputTokens > 0)
    lines.push(line('llm_input', llmPrice.item, usage.llmInputTokens, 'token', llmPrice.input / micros));
  if (usage.llmOutputTokens > 0)
    lines.push(line('llm_output', llmPrice.item, usage.llmOutputTokens, 'token', llmPrice.output / micros));
  const tts = pricing.tts && ttsPerMillionChars[pricing.tts];
  if (tts && usage.ttsCharacters > 0)
    lines.push(line('tts', pricing.tts!, usage.ttsCharacters, 'character', tts / micros));
  if (usage.telephonySeconds > 0)
    lines.push(
      line('telephony', 'SIP inbound, US local', usage.telephonySeconds, 'second', telephonyPerMinute / 60),
    );
  return {
    currency: 'USD',
    lines,
    totalMicros: lines.reduce((sum, l) => sum + l.amountMicros, 0),
    pricesAsOf,
    pricesSource,
  };
}
