import { describe, expect, it } from 'vitest';
import { Refusal } from '../../functions/domain/refusal';
import { previewVoice, sampleText } from '../../functions/domain/voice-preview';

const saved = { provider: 'openai' as const, voiceId: 'alloy', model: 'tts-1', language: 'en-US', speed: 1 };

describe('voice previews', () => {
  it('speak the draft’s settings over the saved ones, never another provider', () => {
    expect(previewVoice(saved, {})).toEqual(saved);
    expect(previewVoice(saved, { voiceId: 'nova', speed: 1.5, language: 'fr-FR' })).toEqual({
      ...saved,
      voiceId: 'nova',
      speed: 1.5,
      language: 'fr-FR',
    });
  });

  it('refuse a voice or model the saved provider does not offer, naming the field', () => {
    const voice = previewVoice(saved, { voiceId: 'Rachel' });
    expect(voice).toBeInstanceOf(Refusal);
    expect(voice).toMatchObject({ kind: 'invalid', field: 'voiceId' });
    expect(previewVoice(saved, { model: 'sonic-2' })).toMatchObject({ kind: 'invalid', field: 'model' });
    // A provider with voices of one's own takes any voice id.
    const eleven = { ...saved, provider: 'elevenlabs' as const, voiceId: 'Own', model: 'eleven_turbo_v2_5' };
    expect(previewVoice(eleven, { voiceId: 'AnotherOwn' })).toMatchObject({ voiceId: 'AnotherOwn' });
  });

  it('greet in the voice’s language, in English where none is written', () => {
    expect(sampleText('Front desk', 'de-AT')).toBe(
      'Hallo, hier ist Front desk. Wie kann ich Ihnen heute helfen?',
    );
    expect(sampleText('Front desk', 'pt-BR')).toContain('Olá');
    expect(sampleText('Front desk', 'ja-JP')).toBe('Hello, this is Front desk. How can I help you today?');
  });
});
