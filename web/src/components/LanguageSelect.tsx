/**
 * A language chosen from a searchable list of BCP 47 tags, each shown with its name in the
 * browser's language (Intl.DisplayNames), never typed as a tag. A saved tag outside the list stays
 * choosable, so opening an agent never changes its language by itself.
 */
import { Select } from '@mantine/core';
import type { ReactNode } from 'react';

/** The spoken languages speech providers commonly offer, as BCP 47 tags (language-REGION). */
export const speechLanguages = [
  'af-ZA',
  'ar-AE',
  'ar-EG',
  'ar-SA',
  'bg-BG',
  'bn-IN',
  'ca-ES',
  'cs-CZ',
  'cy-GB',
  'da-DK',
  'de-AT',
  'de-CH',
  'de-DE',
  'el-GR',
  'en-AU',
  'en-CA',
  'en-GB',
  'en-IE',
  'en-IN',
  'en-NZ',
  'en-SG',
  'en-US',
  'en-ZA',
  'es-AR',
  'es-CO',
  'es-ES',
  'es-MX',
  'es-US',
  'et-EE',
  'eu-ES',
  'fa-IR',
  'fi-FI',
  'fil-PH',
  'fr-BE',
  'fr-CA',
  'fr-CH',
  'fr-FR',
  'ga-IE',
  'gl-ES',
  'gu-IN',
  'he-IL',
  'hi-IN',
  'hr-HR',
  'hu-HU',
  'id-ID',
  'is-IS',
  'it-IT',
  'ja-JP',
  'kn-IN',
  'ko-KR',
  'lt-LT',
  'lv-LV',
  'ml-IN',
  'mr-IN',
  'ms-MY',
  'nb-NO',
  'nl-BE',
  'nl-NL',
  'pl-PL',
  'pt-BR',
  'pt-PT',
  'ro-RO',
  'ru-RU',
  'sk-SK',
  'sl-SI',
  'sr-RS',
  'sv-SE',
  'sw-KE',
  'ta-IN',
  'te-IN',
  'th-TH',
  'tr-TR',
  'uk-UA',
  'ur-PK',
  'vi-VN',
  'zh-CN',
  'zh-HK',
  'zh-TW',
] as const;

const names = new Intl.DisplayNames(undefined, {
  type: 'language',
  languageDisplay: 'standard',
  fallback: 'code',
});

/** A tag's name ("English (United States)"); `mul` reads "Many languages". */
export function languageName(tag: string): string {
  if (tag === 'mul') return 'Many languages';
  try {
    return names.of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/** "English (United States) · en-US": what the list shows, so a search finds a name or a tag. */
const labelOf = (tag: string) => `${languageName(tag)} · ${tag}`;

export function LanguageSelect({
  label,
  description,
  value,
  onChange,
  error,
}: {
  label: string;
  description?: ReactNode;
  value: string;
  onChange(tag: string): void;
  error?: ReactNode;
}) {
  const tags: string[] = [...speechLanguages];
  if (value && !tags.includes(value)) tags.push(value);
  const data = tags
    .map((tag) => ({ value: tag, label: labelOf(tag) }))
    .sort((a, b) => a.label.localeCompare(b.label));
  return (
    <Select
      label={label}
      description={description}
      data={data}
      value={value}
      // A choice cannot be emptied: every configuration names a language.
      onChange={(tag) => tag && onChange(tag)}
      allowDeselect={false}
      searchable
      nothingFoundMessage="No language by that name or tag"
      maxDropdownHeight={280}
      comboboxProps={{ withinPortal: true }}
      error={error}
    />
  );
}
