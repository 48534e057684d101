import { Alert } from '@mantine/core';
import { type Problem, problemSentence } from '../features/errors/problem';

/** A server problem as one sentence: the field sentences when the input was refused, else the code's sentence. */
export function ProblemAlert({ problem }: { problem: Problem | null }) {
  if (!problem) return null;
  return (
    <Alert color="red" role="alert">
      {problemSentence(problem)}
    </Alert>
  );
}
