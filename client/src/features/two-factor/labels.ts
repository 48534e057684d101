import type { TwoFactorMethod } from '../../__generated__/graphql';

export const METHOD_LABELS: Record<TwoFactorMethod, string> = {
  TOTP: 'Authenticator app',
  EMAIL: 'E-mail code',
  WEBAUTHN: 'Security key or passkey',
  RECOVERY_CODE: 'Recovery code',
};
