import { graphql } from '../../__generated__';

export const VerifySecondFactorDocument = graphql(`
  mutation VerifySecondFactor($input: SecondFactorInput!) {
    verifySecondFactor(input: $input) {
      __typename
      ... on LoginSuccess {
        account {
          id
        }
      }
      ... on TwoFactorError {
        code
        reason
        retryAfter
      }
    }
  }
`);

export const SendEmailCodeDocument = graphql(`
  mutation SendEmailCode {
    sendEmailCode {
      __typename
      ... on EmailCodeSent {
        sentAt
        nextSendAfter
      }
      ... on TwoFactorError {
        code
        reason
        retryAfter
      }
    }
  }
`);

export const WebauthnAuthenticationOptionsDocument = graphql(`
  mutation WebauthnAuthenticationOptions {
    webauthnAuthenticationOptions
  }
`);

export const PendingSignInDocument = graphql(`
  query PendingSignIn {
    pendingSignIn {
      stage
      email
      methods
      allowedMethods
      expiresAt
    }
  }
`);

export const MyTwoFactorDocument = graphql(`
  query MyTwoFactor {
    myTwoFactor {
      enabled
      systemEnabled
      methods
      totpEnabled
      totpConfirmedAt
      emailAddress
      recoveryCodesRemaining
      allowedMethods
      required
      recommendSecondMethod
      locked
      webauthnCredentials {
        id
        name
        createdAt
        lastUsedAt
        flagged
        backedUp
      }
    }
  }
`);

export const StartTotpDocument = graphql(`
  mutation StartTotpEnrollment {
    startTotpEnrollment {
      otpauthUri
      qrCodeSvg
      secret
      expiresAt
    }
  }
`);

export const ConfirmTotpDocument = graphql(`
  mutation ConfirmTotpEnrollment($code: String!) {
    confirmTotpEnrollment(code: $code) {
      __typename
      ... on TwoFactorEnabled {
        method
        recoveryCodes
        signedIn
      }
      ... on TwoFactorError {
        code
        reason
        retryAfter
      }
    }
  }
`);

export const StartEmailDocument = graphql(`
  mutation StartEmailEnrollment($address: String!) {
    startEmailEnrollment(address: $address) {
      __typename
      ... on EmailCodeSent {
        sentAt
        nextSendAfter
      }
      ... on TwoFactorError {
        code
        reason
        retryAfter
      }
    }
  }
`);

export const ConfirmEmailDocument = graphql(`
  mutation ConfirmEmailEnrollment($code: String!) {
    confirmEmailEnrollment(code: $code) {
      __typename
      ... on TwoFactorEnabled {
        method
        recoveryCodes
        signedIn
      }
      ... on TwoFactorError {
        code
        reason
        retryAfter
      }
    }
  }
`);

export const WebauthnRegistrationOptionsDocument = graphql(`
  mutation WebauthnRegistrationOptions($name: String!) {
    webauthnRegistrationOptions(name: $name)
  }
`);

export const FinishWebauthnRegistrationDocument = graphql(`
  mutation FinishWebauthnRegistration($response: JSONObject!) {
    finishWebauthnRegistration(response: $response) {
      __typename
      ... on TwoFactorEnabled {
        method
        recoveryCodes
        signedIn
      }
      ... on TwoFactorError {
        code
        reason
        retryAfter
      }
    }
  }
`);

export const ReauthenticateDocument = graphql(`
  mutation Reauthenticate($input: ReauthenticateInput!) {
    reauthenticate(input: $input) {
      __typename
      ... on ReauthSuccess {
        validUntil
      }
      ... on TwoFactorError {
        code
        reason
        retryAfter
      }
    }
  }
`);

export const DisableTotpDocument = graphql(`
  mutation DisableTotp {
    disableTotp
  }
`);

export const DisableEmailFactorDocument = graphql(`
  mutation DisableEmailFactor {
    disableEmailFactor
  }
`);

export const RemoveWebauthnDocument = graphql(`
  mutation RemoveWebauthnCredential($id: ID!) {
    removeWebauthnCredential(id: $id)
  }
`);

export const RenameWebauthnDocument = graphql(`
  mutation RenameWebauthnCredential($id: ID!, $name: String!) {
    renameWebauthnCredential(id: $id, name: $name) {
      id
      name
    }
  }
`);

export const GenerateRecoveryCodesDocument = graphql(`
  mutation GenerateRecoveryCodes {
    generateRecoveryCodes {
      codes
    }
  }
`);
