import { TwoFactorMethod } from './two-factor.entity.js';

/**
 * What can be newly set up under the allowed methods: by anyone, and by the admins and sub-admins
 * (e-mail codes only where `emailForStaff`). Recovery codes back a factor up and are none;
 * security keys need an RP ID a browser accepts (`keys`: none on a server reached by an IP address).
 */
export function leftToEnroll(
  allowed: readonly TwoFactorMethod[],
  emailForStaff: boolean,
  keys: boolean,
): { everyone: TwoFactorMethod[]; staff: TwoFactorMethod[] } {
  const everyone = allowed.filter((m) => m !== TwoFactorMethod.RECOVERY_CODE && (m !== TwoFactorMethod.WEBAUTHN || keys));
  return { everyone, staff: everyone.filter((m) => m !== TwoFactorMethod.EMAIL || emailForStaff) };
}
