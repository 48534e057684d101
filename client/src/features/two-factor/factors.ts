/**
 * Whether the account holds a second factor at all, usable at sign-in now or not (`myTwoFactor.enabled`
 * counts only usable ones: a key flagged as a clone, or e-mail codes while they are off for staff, are
 * held but cannot finish a sign-in, which then needs a recovery code).
 */
export function holdsFactor(tf: {
  totpEnabled: boolean;
  emailAddress?: string | null;
  webauthnCredentials: readonly unknown[];
}): boolean {
  return tf.totpEnabled || (tf.emailAddress ?? null) !== null || tf.webauthnCredentials.length > 0;
}
