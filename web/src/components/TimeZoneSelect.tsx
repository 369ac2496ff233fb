import { Select, type SelectProps } from '@mantine/core';
import { useMemo, useRef, useState } from 'react';
import { timeZones } from '../app/time';

/**
 * A searchable picker of every IANA time zone the browser knows. Focusing it selects the zone
 * shown, so typing starts a new search instead of adding to the zone's name; typing highlights the
 * first match and Enter takes it. Enter while the list is open never submits the surrounding form:
 * with nothing matched that would save the zone the person was trying to change.
 */
export function TimeZoneSelect({ onFocus, onKeyDown, onMouseUp, ...props }: Omit<SelectProps, 'data'>) {
  const data = useMemo(timeZones, []);
  const [open, setOpen] = useState(false);
  // The mouseup ending the click that focused the field would collapse the selection to a caret.
  const justFocused = useRef(false);
  return (
    <Select
      label="Time zone"
      searchable
      limit={50}
      nothingFoundMessage="No such time zone"
      selectFirstOptionOnChange
      data={data}
      onDropdownOpen={() => setOpen(true)}
      onDropdownClose={() => setOpen(false)}
      onFocus={(e) => {
        justFocused.current = true;
        e.currentTarget.select();
        onFocus?.(e);
      }}
      onMouseUp={(e) => {
        if (justFocused.current) e.preventDefault();
        justFocused.current = false;
        onMouseUp?.(e);
      }}
      onKeyDown={(e) => {
        justFocused.current = false;
        if (e.key === 'Enter' && open) e.preventDefault();
        onKeyDown?.(e);
      }}
      {...props}
    />
  );
}
