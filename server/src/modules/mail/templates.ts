import type { MailMessage } from './mail.service.js';

/** Every e-mail the product sends, in one place. Plain text: no tracking, no remote images. */
const footer = (url: string) =>
  `\n\nIf this was not you, sign in at ${url} and review your security settings, or contact your administrator.\n`;

export const mails = {
  emailCode(to: string, code: string, purpose: 'enroll' | 'login'): MailMessage {
    const what = purpose === 'enroll' ? 'confirm this address for two-factor authentication' : 'finish signing in';
    return {
      to,
      subject: `Your verification code: ${code}`,
      text: `Your verification code is ${code}\n\nUse it to ${what}. It expires in 10 minutes and works once.\nNever share it: we will never ask you for it.\n`,
    };
  },
  methodAdded(to: string, method: string, url: string): MailMessage {
    return {
      to,
      subject: 'A two-factor method was added to your account',
      text: `${method} was added to your account as a second sign-in step.${footer(url)}`,
    };
  },
  methodRemoved(to: string, method: string, url: string): MailMessage {
    return {
      to,
      subject: 'A two-factor method was removed from your account',
      text: `${method} was removed from your account.${footer(url)}`,
    };
  },
  recoveryCodeUsed(to: string, remaining: number, url: string): MailMessage {
    return {
      to,
      subject: 'A recovery code was used to sign in',
      text: `A recovery code was used to sign in to your account. ${remaining} unused codes remain.${remaining <= 3 ? ' Generate a new set soon.' : ''}${footer(url)}`,
    };
  },
  webauthnRegistered(to: string, name: string, url: string): MailMessage {
    return {
      to,
      subject: 'A security key or passkey was registered',
      text: `The device "${name}" was registered as a security key or passkey for your account.${footer(url)}`,
    };
  },
  totpReplay(to: string, url: string): MailMessage {
    return {
      to,
      subject: 'An authenticator code was used twice',
      text: `Someone entered an authenticator-app code for your account that had already been used. It was refused. If you did not just sign in twice, someone may know your password and have seen a code.${footer(url)}`,
    };
  },
  twoFactorReset(to: string, url: string): MailMessage {
    return {
      to,
      subject: 'Your two-factor authentication was reset',
      text: `An administrator reset the two-factor authentication of your account and signed out all your sessions. Sign in and set up a method again.${footer(url)}`,
    };
  },
};
