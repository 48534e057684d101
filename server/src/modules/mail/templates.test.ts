import { describe, expect, it } from 'vitest';
import { mails } from './templates.js';

describe('the recovery-code notice', () => {
  const text = (remaining: number) => mails.recoveryCodeUsed('a@example.test', remaining, 'https://sc.example', 'login').text;

  it('counts the codes left in words that fit the number, and asks for a new set when few or none are left', () => {
    expect(text(9)).toContain('9 unused codes remain.');
    expect(text(9)).not.toContain('Generate a new set');
    expect(text(2)).toContain('2 unused codes remain. Generate a new set soon.');
    expect(text(1)).toContain('1 unused code remains. Generate a new set soon.');
    expect(text(0)).toContain('No unused code remains: generate a new set now.');
  });
});

describe('the method notices', () => {
  const url = 'https://sc.example';

  it('say when the last method went: the recovery codes with it, and the password alone is asked for', () => {
    const last = mails.methodRemoved('a@example.test', 'The authenticator app', url, { last: true }).text;
    expect(last).toContain('The authenticator app was removed from your account.');
    expect(last).toContain(
      'It was your last method: your recovery codes were deleted with it, and signing in now asks only for your password.',
    );
    expect(mails.methodRemoved('a@example.test', 'The authenticator app', url).text).not.toContain('last method');
  });

  it('agree with what they name: e-mail codes "were" added or removed', () => {
    expect(mails.methodAdded('a@example.test', 'E-mail codes to b@example.test', url, true).text).toContain(
      'E-mail codes to b@example.test were added to your account',
    );
    expect(mails.methodRemoved('a@example.test', 'E-mail codes', url, { plural: true }).text).toContain(
      'E-mail codes were removed from your account.',
    );
    expect(mails.methodAdded('a@example.test', 'An authenticator app', url).text).toContain('An authenticator app was added');
  });
});

describe('the withdrawn reset notice', () => {
  it('tells the requester its own request went, and an admin asked that nothing is left to do', () => {
    const yours = mails.twoFactorResetRequestWithdrawn('r@example.test', 't@example.test', 'w@example.test', true);
    expect(yours.subject).toBe('Withdrawn: the reset of the two-factor authentication of t@example.test');
    expect(yours.text).toContain(
      'w@example.test withdrew your request to reset the two-factor authentication of the admin t@example.test',
    );
    expect(yours.text).toContain('ask for the reset again if it is still needed');
    expect(yours.text).not.toContain('nothing left for you to do');
    const asked = mails.twoFactorResetRequestWithdrawn('a@example.test', 't@example.test', 'w@example.test', false).text;
    expect(asked).toContain('w@example.test withdrew the request to reset');
    expect(asked).toContain('nobody can approve it any more, so there is nothing left for you to do.');
    expect(asked).not.toContain('ask for the reset again');
  });
});

describe('the closed reset request notice', () => {
  it('names who reset the account directly, or the command line', () => {
    const byAdmin = mails.twoFactorResetRequestClosedByReset('a@example.test', 't@example.test', 'w@example.test');
    expect(byAdmin.subject).toBe('Closed: the reset of the two-factor authentication of t@example.test');
    expect(byAdmin.text).toContain('w@example.test reset the two-factor authentication of the admin t@example.test directly');
    expect(byAdmin.text).toContain('there is nothing left to approve');
    expect(mails.twoFactorResetRequestClosedByReset('a@example.test', 't@example.test', null).text).toMatch(
      /^Someone with access to the server's command line reset/,
    );
  });

  it('says an approval of another request reset it, not that it was reset directly', () => {
    const text = mails.twoFactorResetRequestClosedByReset('a@example.test', 't@example.test', 'w@example.test', true).text;
    expect(text).toContain(
      'w@example.test reset the two-factor authentication of the admin t@example.test, approving another request to reset it, so the request',
    );
    expect(text).not.toContain('directly');
  });
});
