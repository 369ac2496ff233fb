/**
 * The voices the console offers (api/providers.ts knownVoices) agree with the allow-list the API
 * validates with, and every language the editor offers is a tag the API takes.
 */
import { describe, expect, it } from 'vitest';
import { knownVoices, ttsProviderNames, ttsProviders } from '../../functions/api/providers';
import { Language, TtsConfigInput } from '../../functions/api/schemas/agents';
import { languageName, speechLanguages } from '../../web/src/components/LanguageSelect';

describe('known voices', () => {
  it('lists exactly the fixed voices of a provider that has a fixed set', () => {
    for (const provider of ttsProviderNames) {
      const fixed: readonly string[] = ttsProviders[provider].voices;
      if (fixed.length === 0) continue;
      expect(knownVoices[provider].map((v) => v.id).sort(), provider).toEqual([...fixed].sort());
    }
  });

  it('names each voice once per provider, with a language tag the API takes, and only models the provider has', () => {
    for (const provider of ttsProviderNames) {
      const voices = knownVoices[provider];
      expect(new Set(voices.map((v) => v.id)).size, provider).toBe(voices.length);
      const models: readonly string[] = ttsProviders[provider].models;
      for (const voice of voices) {
        if (voice.language !== 'mul') expect(Language.safeParse(voice.language).success, voice.id).toBe(true);
        for (const model of voice.models ?? []) expect(models, voice.id).toContain(model);
        // Picked in the editor, the voice saves: the API takes it with a model it belongs to.
        const config = {
          provider,
          voiceId: voice.id,
          model: voice.models?.[0] ?? models[0],
          speed: 1,
          language: voice.language === 'mul' ? 'en-US' : voice.language,
        };
        expect(TtsConfigInput.safeParse(config).success, voice.id).toBe(true);
      }
    }
  });

  it('offers languages the API takes, each with a name', () => {
    for (const tag of speechLanguages) {
      expect(Language.safeParse(tag).success, tag).toBe(true);
      expect(languageName(tag), tag).not.toBe(tag);
    }
    expect(languageName('pt-BR')).toBe('Portuguese (Brazil)');
    expect(languageName('mul')).toBe('Many languages');
  });
});
