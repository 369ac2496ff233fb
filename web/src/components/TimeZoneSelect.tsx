import { Select, type SelectProps } from '@mantine/core';
import { useMemo } from 'react';
import { timeZones } from '../app/time';

/** A searchable picker of every IANA time zone the browser knows. */
export function TimeZoneSelect(props: Omit<SelectProps, 'data'>) {
  const data = useMemo(timeZones, []);
  return (
    <Select
      label="Time zone"
      searchable
      limit={50}
      nothingFoundMessage="No such time zone"
      data={data}
      {...props}
    />
  );
}
