import { useMediaQuery } from '@mantine/hooks';

/**
 * True on phone-width screens (below Mantine's `sm`). Read on the first render, not in an effect:
 * otherwise every list first renders as a desktop table for a frame and the page scrolls
 * sideways on a phone until the effect runs.
 */
export function usePhoneScreen(): boolean {
  return useMediaQuery('(max-width: 48em)', undefined, { getInitialValueInEffect: false });
}
