/** The account's attempt budget for second factors: its `failure_counter` key is this and the account id. */
export const ACCOUNT_BUDGET_PREFIX = '2fa:acct:';

/**
 * How many arguments `totp_attempt` takes (Migration20261205100000): the account, the app, the step,
 * the account's budget key, the network's, the window, the account's cap, the network's, the lockout,
 * the site's budget key (null: none) and its cap.
 */
export const TOTP_ATTEMPT_ARITY = 11;

/**
 * The advisory-lock class of the budgets' turns: `totp_attempt` (migration 20261202140000) decides
 * an app code while holding `(TURN_LOCK_CLASS, hashtext(key))` for the account's, the network's and the site's keys,
 * until its statement commits.
 */
export const TURN_LOCK_CLASS = 20261202;

/**
 * Waits for the account's turn at its app codes, held until the caller's transaction ends. Taken by
 * a writer that then locks the account row and removes its second factors (a deletion): a sign-in
 * holds its turn and its app's row while it waits for the account row, so a writer that took the
 * account row first and then waited for the app's row would deadlock with it.
 */
export const ACCOUNT_TURN_SQL = `select pg_advisory_xact_lock(${TURN_LOCK_CLASS}, hashtext('${ACCOUNT_BUDGET_PREFIX}' || ?::text))`;
