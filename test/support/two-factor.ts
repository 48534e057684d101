import { expect } from 'vitest';
import { GqlClient } from './graphql.js';
import { LOGIN, PASSWORD } from './factories.js';
import { currentStep, totp } from './totp.js';

/** Operations of the two-factor API, shared by the 2FA test files. */
export const Q = {
  me: `{ me { id email } }`,
  pending: `{ pendingSignIn { stage email methods allowedMethods expiresAt } }`,
  status: `{ myTwoFactor { enabled methods totpEnabled emailAddress recoveryCodesRemaining allowedMethods required recommendSecondMethod locked webauthnCredentials { id name flagged } } }`,
  startTotp: `mutation { startTotpEnrollment { otpauthUri qrCodeSvg secret expiresAt } }`,
  confirmTotp: `mutation($c: String!) { confirmTotpEnrollment(code: $c) { __typename ... on TwoFactorEnabled { method recoveryCodes signedIn } ... on ErrorResult { code message } ... on TwoFactorError { retryAfter reason } } }`,
  startEmail: `mutation($a: String!) { startEmailEnrollment(address: $a) { __typename ... on EmailCodeSent { sentAt nextSendAfter } ... on ErrorResult { code } ... on TwoFactorError { retryAfter reason } } }`,
  confirmEmail: `mutation($c: String!) { confirmEmailEnrollment(code: $c) { __typename ... on TwoFactorEnabled { method recoveryCodes signedIn } ... on ErrorResult { code message } } }`,
  sendCode: `mutation { sendEmailCode { __typename ... on EmailCodeSent { sentAt nextSendAfter } ... on ErrorResult { code } ... on TwoFactorError { retryAfter reason } } }`,
  verify: `mutation($i: SecondFactorInput!) { verifySecondFactor(input: $i) { __typename ... on LoginSuccess { account { id email } } ... on ErrorResult { code message } ... on TwoFactorError { retryAfter reason } } }`,
  reauth: `mutation($i: ReauthenticateInput!) { reauthenticate(input: $i) { __typename ... on ReauthSuccess { validUntil } ... on ErrorResult { code message } } }`,
  disableTotp: `mutation { disableTotp }`,
  disableEmail: `mutation { disableEmailFactor }`,
  recovery: `mutation { generateRecoveryCodes { codes } }`,
};

export interface Login {
  typename: string;
  methods?: string[];
  allowedMethods?: string[];
}

export async function loginStep(client: GqlClient, email: string, password = PASSWORD): Promise<Login> {
  const res = await client.gql(
    `mutation($input: LoginInput!) { login(input: $input) { __typename
      ... on SecondFactorRequired { methods expiresAt }
      ... on TwoFactorEnrollmentRequired { allowedMethods expiresAt }
      ... on ErrorResult { code } } }`,
    { input: { email, password } },
  );
  const l = res.data?.['login'];
  return { typename: l?.__typename, methods: l?.methods, allowedMethods: l?.allowedMethods };
}

/**
 * Waits while the current 30-second step is about to end, so a code computed now is judged in the
 * same step by the server (drift tests depend on it).
 */
export async function awayFromStepEdge(): Promise<void> {
  const intoStep = Date.now() % 30_000;
  if (intoStep > 26_000) await new Promise((r) => setTimeout(r, 30_000 - intoStep + 100));
}

/** Enrolls an authenticator app for the signed-in client; returns the Base32 secret. */
export async function enrollTotp(client: GqlClient, drift = -1): Promise<{ secret: string; recoveryCodes: string[] }> {
  const start = await client.gql(Q.startTotp);
  const secret = (start.data?.['startTotpEnrollment']?.secret as string).replace(/\s/g, '');
  await awayFromStepEdge();
  const res = await client.gql(Q.confirmTotp, { c: totp(secret, drift) });
  expect(res.data?.['confirmTotpEnrollment']?.__typename, JSON.stringify(res)).toBe('TwoFactorEnabled');
  return { secret, recoveryCodes: res.data!['confirmTotpEnrollment'].recoveryCodes ?? [] };
}

/** Password then TOTP at the given drift; returns the client signed in fully. */
export async function loginWithTotp(server: { url: string }, email: string, secret: string, drift = 0): Promise<GqlClient> {
  const client = new GqlClient(server.url);
  const first = await loginStep(client, email);
  expect(first.typename).toBe('SecondFactorRequired');
  const res = await client.gql(Q.verify, { i: { method: 'TOTP', code: totp(secret, drift) } });
  expect(res.data?.['verifySecondFactor']?.__typename, JSON.stringify(res)).toBe('LoginSuccess');
  return client;
}

export { LOGIN, currentStep };
