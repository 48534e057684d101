import { Alert } from '@mantine/core';
import type { Problem } from '../features/errors/problem';

/** A server problem as one sentence: the field sentences when the input was refused, else the code's sentence. */
export function ProblemAlert({ problem }: { problem: Problem | null }) {
  if (!problem) return null;
  const fields = Object.values(problem.fieldErrors);
  return (
    <Alert color="red" role="alert">
      {fields.length > 0 ? fields.join(' ') : problem.message}
    </Alert>
  );
}
