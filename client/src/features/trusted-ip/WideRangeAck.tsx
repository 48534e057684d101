import { Alert, Checkbox } from '@mantine/core';

const WIDE_RANGE_WARNING =
  'Only whitelist an entire range if you are certain the network is private and managed. Whitelisting large public ranges can leave accounts vulnerable to unauthorized access from other users on that same network.';

/**
 * The warning and the explicit acknowledgement a wide public range needs before it is trusted (a
 * safe range, or a trusted named location), shown once the server asked for it.
 */
export function WideRangeAck({ checked, onChange }: { checked: boolean; onChange: (checked: boolean) => void }) {
  return (
    <Alert color="orange" variant="light" title="Wide public range" role="alert">
      {WIDE_RANGE_WARNING}
      <Checkbox
        mt="sm"
        label="I understand the risk of trusting this range"
        checked={checked}
        onChange={(e) => onChange(e.currentTarget.checked)}
      />
    </Alert>
  );
}
