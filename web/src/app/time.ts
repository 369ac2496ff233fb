/** Times as the signed-in person reads them: in their profile's time zone, not the browser's. */
import { useMemo } from 'react';
import { useSession } from './session';

export function formatters(timeZone: string, locale?: string) {
  const make = (options: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat(locale, { timeZone, ...options });
  const dateTime = make({ dateStyle: 'medium', timeStyle: 'short' });
  const date = make({ weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });
  const time = make({ timeStyle: 'short' });
  const dayKey = make({ year: 'numeric', month: '2-digit', day: '2-digit' });
  return {
    timeZone,
    dateTime: (iso: string) => dateTime.format(new Date(iso)),
    date: (iso: string) => date.format(new Date(iso)),
    time: (iso: string) => time.format(new Date(iso)),
    /** A sortable key of the calendar day the moment falls on in this zone. */
    day: (iso: string) => dayKey.format(new Date(iso)),
  };
}

export function useFormat() {
  const { profile } = useSession();
  return useMemo(
    () => formatters(profile.timezone, profile.preferences.locale),
    [profile.timezone, profile.preferences.locale],
  );
}

/** Every IANA zone the browser knows, for the time-zone picker. */
export function timeZones(): string[] {
  const zones = Intl.supportedValuesOf('timeZone');
  // Some engines list only geographic zones; UTC is what profiles start with.
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
}
