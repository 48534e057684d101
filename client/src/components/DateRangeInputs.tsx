import { TextInput } from '@mantine/core';

/**
 * A list's "from" and "until" filters (local date and time). `onChange` runs after either changes: a
 * paged list starts again at its first page.
 */
export function DateRangeInputs({
  labels,
  from,
  to,
  setFrom,
  setTo,
  onChange,
}: {
  labels: [string, string];
  from: string;
  to: string;
  setFrom: (value: string) => void;
  setTo: (value: string) => void;
  onChange: () => void;
}) {
  return (
    <>
      <TextInput
        label={labels[0]}
        type="datetime-local"
        value={from}
        onChange={(e) => {
          setFrom(e.currentTarget.value);
          onChange();
        }}
      />
      <TextInput
        label={labels[1]}
        type="datetime-local"
        value={to}
        onChange={(e) => {
          setTo(e.currentTarget.value);
          onChange();
        }}
      />
    </>
  );
}
