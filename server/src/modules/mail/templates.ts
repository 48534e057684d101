import type { MailMessage } from './mail.service.js';

interface IncidentSummary {
  id: string;
  severity: string;
  reason: string;
  impossibleTravel: boolean;
  account: { email: string };
}
interface PlacedLogin {
  occurredAt: Date;
  ip: string;
  city: string | null;
  countryCode: string | null;
}
const REASONS: Record<string, string> = {
  COMPROMISED: 'compromised account',
  THIRD_PARTY_APPLICATION: 'third-party application',
  MOBILE_CONNECTION: 'mobile connection',
  TRAVELLING: 'travelling',
  UNKNOWN: 'unknown',
};

/** A time as people read it in a notice, to the minute. */
const utc = (d: Date) => `${d.toISOString().replace('T', ' ').slice(0, 16)} UTC`;

/** Every e-mail the product sends, in one place. Plain text: no tracking, no remote images. */
const footer = (url: string) =>
  `\n\nIf this was not you, sign in at ${url} and review your security settings, or contact your administrator.\n`;

export const mails = {
  emailCode(to: string, code: string, purpose: 'enroll' | 'login' | 'reauth'): MailMessage {
    const what = {
      enroll: 'confirm this address for two-factor authentication',
      login: 'finish signing in',
      reauth: 'confirm it is you before a sensitive change in your signed-in session',
    }[purpose];
    const notYou =
      purpose === 'enroll'
        ? 'If you did not ask for it, ignore this e-mail: the address is not added without the code.'
        : 'If you did not ask for it, someone who knows your password is signing in: change your password.';
    return {
      to,
      subject: `Your verification code: ${code}`,
      text: `Your verification code is ${code}\n\nUse it to ${what}. It expires in 10 minutes and works once.\nNever share it: we will never ask you for it.\n\n${notYou}\n`,
    };
  },
  /** `method`: what was added, as a sentence's subject; `plural` when it is plural ("E-mail codes"). */
  methodAdded(to: string, method: string, url: string, plural = false): MailMessage {
    return {
      to,
      subject: 'A two-factor method was added to your account',
      text: `${method} ${plural ? 'were' : 'was'} added to your account as a second sign-in step.${footer(url)}`,
    };
  },
  /**
   * `last`: it was the account's last method, so its recovery codes went with it and signing in asks
   * for the password alone: said, since that is what someone who took the account over would want unseen.
   */
  methodRemoved(
    to: string,
    method: string,
    url: string,
    opts: { name?: string; plural?: boolean; last?: boolean } = {},
  ): MailMessage {
    const { name, plural = false, last = false } = opts;
    const gone = last
      ? '\n\nIt was your last method: your recovery codes were deleted with it, and signing in now asks only for your password.'
      : '';
    return {
      to,
      subject: 'A two-factor method was removed from your account',
      text: `${method} ${plural ? 'were' : 'was'} removed from your account.${gone}${name === undefined ? '' : `\n\nName given to it: ${name}`}${footer(url)}`,
    };
  },
  recoveryCodesGenerated(to: string, url: string): MailMessage {
    return {
      to,
      subject: 'New recovery codes were generated for your account',
      text: `A new set of recovery codes was generated for your account. The codes you kept before no longer work: keep the new ones somewhere safe.\n\nIf you did not do this, someone signed in to your account: change your password and generate a new set yourself.${footer(url)}`,
    };
  },
  recoveryCodeUsed(to: string, remaining: number, url: string, purpose: 'login' | 'reauth'): MailMessage {
    const what = purpose === 'login' ? 'to sign in' : 'to confirm it is you (re-authentication)';
    return {
      to,
      subject: `A recovery code was used ${what}`,
      text: `A recovery code was used ${what} in your account. ${
        remaining === 0
          ? 'No unused code remains: generate a new set now.'
          : `${remaining} unused code${remaining === 1 ? ' remains' : 's remain'}.${remaining <= 3 ? ' Generate a new set soon.' : ''}`
      }${footer(url)}`,
    };
  },
  webauthnRegistered(to: string, name: string, url: string): MailMessage {
    return {
      to,
      subject: 'A security key or passkey was registered',
      text: `A security key or passkey was registered for your account.\n\nName given to it: ${name}${footer(url)}`,
    };
  },
  totpReplay(to: string, ip: string, at: Date, url: string): MailMessage {
    return {
      to,
      subject: 'An authenticator code was used twice',
      text: `Someone entered an authenticator-app code for your account that had already been used, from ${ip} at ${utc(at)}. It was refused. If you did not just sign in twice, someone may know your password and have seen a code.\n\nMore such codes from the same network within the hour are refused and logged without another e-mail.${footer(url)}`,
    };
  },
  secondFactorLocked(to: string, url: string): MailMessage {
    return {
      to,
      subject: 'Second-step sign-in to your account was locked',
      text: `Too many wrong second factors (codes, keys) were entered for your account in a row, so signing in is locked until an administrator unlocks it. If these attempts were not yours, someone knows your password: ask an administrator to unlock it, then sign in at ${url} and change your password.\n`,
    };
  },
  secondFactorUnlocked(to: string, url: string): MailMessage {
    return {
      to,
      subject: 'Second-step sign-in to your account was unlocked',
      text: `An administrator unlocked the second sign-in step of your account, which was locked after too many wrong second factors in a row. Your methods and recovery codes are unchanged.\n\nIf you did not ask for this, contact your administrators at once, and change your password at ${url}: whoever made those attempts knows it.\n`,
    };
  },
  webauthnFlagged(to: string, name: string, url: string): MailMessage {
    return {
      to,
      subject: 'A security key of yours was flagged and refused',
      text: `One of your security keys or passkeys answered with a signature counter lower than before, which is what a copied (cloned) key does. It was refused and can no longer sign you in.\n\nName given to it: ${name}\n\nIf you still have the key, remove it and add it again; if it was out of your hands, someone may know your password too: change it.${footer(url)}`,
    };
  },
  twoFactorReset(to: string, url: string): MailMessage {
    return {
      to,
      subject: 'Your two-factor authentication was reset',
      text: `An administrator reset the two-factor authentication of your account and signed out all your sessions. Sign in at ${url} and set up a method again.\n\nIf you did not ask for this, contact your administrators at once: someone may be trying to take over your account.\n`,
    };
  },
  adminCreated(to: string, admin: string, createdBy: string, link: string): MailMessage {
    return {
      to,
      subject: `A new admin account was created: ${admin}`,
      text: `${createdBy} created the admin account ${admin}. An admin can do everything here, including approve resets of other admins' two-factor authentication once the account is a day old.\n\nIf you did not expect this, check with ${createdBy}, and disable the account if it should not exist.\n\nReview it: ${link}\n`,
    };
  },
  twoFactorResetRequested(to: string, target: string, requestedBy: string, expiresAt: Date, link: string): MailMessage {
    return {
      to,
      subject: `Approval needed: reset the two-factor authentication of ${target}`,
      text: `${requestedBy} asked to reset the two-factor authentication of the admin ${target} (lost device). A second admin must approve it before ${expiresAt.toISOString()}; until then nothing changes.\n\nIf you did not expect this, check with ${requestedBy} before approving.\n\nReview it: ${link}\n`,
    };
  },
  twoFactorResetWithdrawn(to: string, withdrawnBy: string): MailMessage {
    return {
      to,
      subject: 'The reset of your two-factor authentication was withdrawn',
      text: `${withdrawnBy} withdrew the request to reset the two-factor authentication of your admin account: nothing was removed, and nobody can approve it any more.\n\nIf you still need a reset (a lost device), ask another admin for it again.\n`,
    };
  },
  /** To the requester (`yours`: another admin withdrew it) or an admin who was asked to approve it. */
  twoFactorResetRequestWithdrawn(to: string, target: string, withdrawnBy: string, yours: boolean): MailMessage {
    return {
      to,
      subject: `Withdrawn: the reset of the two-factor authentication of ${target}`,
      text: `${withdrawnBy} withdrew ${yours ? 'your' : 'the'} request to reset the two-factor authentication of the admin ${target}: nothing was removed, and nobody can approve it any more${yours ? '' : ', so there is nothing left for you to do'}.\n\nIf you did not expect this, check with ${withdrawnBy}${yours ? ', and ask for the reset again if it is still needed' : ''}.\n`,
    };
  },
  /**
   * To the requester or an admin asked to approve a waiting reset, when the account was reset another
   * way meanwhile (`by`: the admin who did, or null for the server's command line; `approved`: by
   * approving another request, not directly).
   */
  twoFactorResetRequestClosedByReset(to: string, target: string, by: string | null, approved = false): MailMessage {
    const how = approved ? ', approving another request to reset it,' : ' directly';
    return {
      to,
      subject: `Closed: the reset of the two-factor authentication of ${target}`,
      text: `${by ?? "Someone with access to the server's command line"} reset the two-factor authentication of the admin ${target}${how} so the request to reset it that waited for a second admin's approval is closed: there is nothing left to approve.\n\nIf you did not expect this, check with your other admins.\n`,
    };
  },
  /**
   * To the target (`to` is `target`) or an admin asked to approve a waiting reset, when its requester
   * was disabled, treated as compromised, or deleted by `by`: the request is closed for good.
   */
  twoFactorResetRequestClosedByRequesterGone(
    to: string,
    target: string,
    requester: string,
    by: string,
    why: 'DISABLED' | 'COMPROMISED' | 'DELETED',
  ): MailMessage {
    const yours = to === target;
    const acted = {
      DISABLED: `disabled the admin account ${requester}`,
      COMPROMISED: `treated the admin account ${requester} as compromised`,
      DELETED: `deleted the admin account ${requester}`,
    }[why];
    return {
      to,
      subject: yours
        ? 'The reset of your two-factor authentication was closed'
        : `Closed: the reset of the two-factor authentication of ${target}`,
      text: `${by} ${acted}, so its request to reset the two-factor authentication of ${yours ? 'your admin account' : `the admin ${target}`} is closed for good: nothing was removed, and nobody can approve it any more${yours ? '' : ', so there is nothing left for you to do'}.\n\n${yours ? 'If you still need a reset (a lost device), ask another admin for it again.' : `If ${target} still needs a reset, another admin may ask for it again.`}\n`,
    };
  },
  twoFactorResetRequestedForYou(to: string, requestedBy: string, expiresAt: Date): MailMessage {
    return {
      to,
      subject: 'A reset of your two-factor authentication was requested',
      text: `${requestedBy} asked to reset the two-factor authentication of your admin account (for a lost device). Once another admin approves it (before ${utc(expiresAt)}), every second factor and recovery code of yours is removed and you are signed out everywhere.\n\nIf you did not ask for this, tell your other admins at once, so that nobody approves it.\n`,
    };
  },
  incidentOpened(to: string, i: IncidentSummary, link: string): MailMessage {
    return {
      to,
      subject: `New security incident: ${i.account.email}${i.impossibleTravel ? ' (impossible travel)' : ''}`,
      text: `The account ${i.account.email} logged in from more than one location.\n\nSeverity: ${i.severity}\nLikely reason: ${REASONS[i.reason] ?? i.reason}\n\nReview it: ${link}\n\nFurther incidents in the next few minutes are collected into one summary.\n`,
    };
  },
  incidentSummary(to: string, count: number, link: string): MailMessage {
    return {
      to,
      subject: `${count} more security incident${count === 1 ? '' : 's'} detected`,
      text: `${count} more security incident${count === 1 ? ' was' : 's were'} raised since the last e-mail.\n\nReview them: ${link}\n`,
    };
  },
  incidentDenied(to: string, i: IncidentSummary, link: string): MailMessage {
    return {
      to,
      subject: `URGENT: ${i.account.email} says a login was not them`,
      text: `The holder of ${i.account.email} answered "This wasn't me" to a security incident. It is now critical.\n\nAct now: ${link}\n`,
    };
  },
  incidentHolder(to: string, logins: PlacedLogin[], itWasMe: string, notMe: string): MailMessage {
    const lines = logins
      .map((l) => `  ${utc(l.occurredAt)}  ${[l.city, l.countryCode].filter(Boolean).join(', ') || 'unknown place'}  (${l.ip})`)
      .join('\n');
    return {
      to,
      subject: 'Sign-ins to your account from several places',
      text: `Your account was signed in to from more than one place:\n\n${lines}\n\nWas this you?\n\n  It was me:        ${itWasMe}\n  This wasn't me:   ${notMe}\n\nEach link works once, for 7 days. If it was not you, change your password now; an administrator has been told either way.\n`,
    };
  },
  signInsPaused(to: string, failures: number, url: string): MailMessage {
    return {
      to,
      subject: 'Sign-ins to your account from new places are paused',
      text: `${failures} wrong passwords were tried for your account from many places. To keep guessing from going on, your account can for now be signed in to only from networks you signed in from before (and addresses marked safe for you). Elsewhere the sign-in is refused without checking the password. It resumes on its own once the guessing stops, or when you sign in from a known network.\n\nIf you need to sign in from a new place now, ask your administrator to mark that address as safe for you. Consider changing your password if it is used anywhere else.${footer(url)}`,
    };
  },
  signInOutsideAccessList(to: string, ip: string, url: string): MailMessage {
    return {
      to,
      subject: 'Your password was used from outside your IP access list',
      text: `Someone signed in to your account with your correct password from ${ip}, which is outside your account's IP access list, so the sign-in was refused (and answered as a wrong password).\n\nIf this was you, sign in from an address on your list, or ask another admin to add this one. If it was not you, someone knows your password: change it at once from an allowed address.${footer(url)}`,
    };
  },
  passwordChanged(to: string, url: string): MailMessage {
    return {
      to,
      subject: 'Your password was changed',
      text: `The password of your account was just changed, and your other sessions were signed out. If this was not you, contact your administrator at once.${footer(url)}`,
    };
  },
  passwordResetRequired(to: string, link: string): MailMessage {
    return {
      to,
      subject: 'Your password was reset by an administrator',
      text: `Your account showed signs of misuse, so an administrator signed out all its sessions and reset its password. The old password no longer works.\n\nSet a new password (the link works once, for 24 hours): ${link}\n`,
    };
  },
  accountLocked(to: string, url: string): MailMessage {
    return {
      to,
      subject: 'Your account was locked',
      text: `Your account showed signs of misuse, so an administrator locked it and signed out all its sessions. Contact your administrator to unlock it.\n\n${url}\n`,
    };
  },
};
