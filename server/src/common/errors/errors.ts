import { GraphQLError } from 'graphql';
import { ErrorCode } from './codes.js';

/** One failing input field: where, and why (a stable reason code plus a human sentence). */
export interface FieldProblem {
  field: string;
  reason: string;
  message: string;
}

export function appError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

export function badInput(problems: FieldProblem[]): GraphQLError {
  const first = problems[0];
  return appError(ErrorCode.BAD_USER_INPUT, first ? first.message : 'Invalid input', { fields: problems });
}

export const unauthenticated = (): GraphQLError => appError(ErrorCode.UNAUTHENTICATED, 'Sign in first.');
export const forbidden = (): GraphQLError => appError(ErrorCode.FORBIDDEN, 'You do not have permission to do this.');
export const notFound = (what: string): GraphQLError => appError(ErrorCode.NOT_FOUND, `${what} not found.`);
export const conflict = (code: ErrorCode, message: string): GraphQLError => appError(code, message);
