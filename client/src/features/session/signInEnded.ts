import type { Problem } from '../errors/problem';

/**
 * Why the sign-in waiting in the pop-up ended (it lapsed, ended elsewhere, or second-step sign-in is
 * locked), for the sign-in form to say. In memory, and only for a few seconds: the sign-in page is
 * drawn anew when the app finds the session gone, and the form's own state does not survive that.
 */
let ended: { problem: Problem; at: number } | null = null;

export function rememberSignInEnded(problem: Problem): void {
  ended = { problem, at: Date.now() };
}

/** The reason, if the sign-in ended moments ago (null otherwise). */
export function signInEndedReason(): Problem | null {
  return ended && Date.now() - ended.at < 10_000 ? ended.problem : null;
}

/** A new sign-in began: the old reason is not said again. */
export function forgetSignInEnded(): void {
  ended = null;
}
