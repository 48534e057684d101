
      export type PossibleTypesResultData = {
  "possibleTypes": {
    "BlockIpResult": [
      "AlreadyExistsError",
      "IpBlock",
      "SafeListedError"
    ],
    "CreateAccountResult": [
      "AccountCreated",
      "EmailTakenError"
    ],
    "CreateNamedLocationResult": [
      "AlreadyExistsError",
      "NamedLocation",
      "WideRangeNeedsAcknowledgementError"
    ],
    "EmailCodeResult": [
      "EmailCodeSent",
      "TwoFactorError"
    ],
    "ErrorResult": [
      "AlreadyExistsError",
      "EmailTakenError",
      "InvalidCredentialsError",
      "IpBlockedError",
      "SafeListedError",
      "SetupAlreadyDoneError",
      "SetupTokenInvalidError",
      "SignInPausedError",
      "TwoFactorError",
      "TwoFactorResetPending",
      "WideRangeNeedsAcknowledgementError"
    ],
    "LoginResult": [
      "InvalidCredentialsError",
      "IpBlockedError",
      "LoginSuccess",
      "SecondFactorRequired",
      "SignInPausedError",
      "TwoFactorEnrollmentRequired",
      "TwoFactorError"
    ],
    "MarkIpSafeResult": [
      "AlreadyExistsError",
      "TrustedIp",
      "WideRangeNeedsAcknowledgementError"
    ],
    "ReauthResult": [
      "ReauthSuccess",
      "TwoFactorError"
    ],
    "SecondFactorResult": [
      "LoginSuccess",
      "TwoFactorError"
    ],
    "SetupFirstAdminResult": [
      "SetupAlreadyDoneError",
      "SetupSuccess",
      "SetupTokenInvalidError"
    ],
    "TwoFactorEnableResult": [
      "TwoFactorEnabled",
      "TwoFactorError"
    ],
    "TwoFactorResetResult": [
      "TwoFactorResetDone",
      "TwoFactorResetPending"
    ]
  }
};
      const result: PossibleTypesResultData = {
  "possibleTypes": {
    "BlockIpResult": [
      "AlreadyExistsError",
      "IpBlock",
      "SafeListedError"
    ],
    "CreateAccountResult": [
      "AccountCreated",
      "EmailTakenError"
    ],
    "CreateNamedLocationResult": [
      "AlreadyExistsError",
      "NamedLocation",
      "WideRangeNeedsAcknowledgementError"
    ],
    "EmailCodeResult": [
      "EmailCodeSent",
      "TwoFactorError"
    ],
    "ErrorResult": [
      "AlreadyExistsError",
      "EmailTakenError",
      "InvalidCredentialsError",
      "IpBlockedError",
      "SafeListedError",
      "SetupAlreadyDoneError",
      "SetupTokenInvalidError",
      "SignInPausedError",
      "TwoFactorError",
      "TwoFactorResetPending",
      "WideRangeNeedsAcknowledgementError"
    ],
    "LoginResult": [
      "InvalidCredentialsError",
      "IpBlockedError",
      "LoginSuccess",
      "SecondFactorRequired",
      "SignInPausedError",
      "TwoFactorEnrollmentRequired",
      "TwoFactorError"
    ],
    "MarkIpSafeResult": [
      "AlreadyExistsError",
      "TrustedIp",
      "WideRangeNeedsAcknowledgementError"
    ],
    "ReauthResult": [
      "ReauthSuccess",
      "TwoFactorError"
    ],
    "SecondFactorResult": [
      "LoginSuccess",
      "TwoFactorError"
    ],
    "SetupFirstAdminResult": [
      "SetupAlreadyDoneError",
      "SetupSuccess",
      "SetupTokenInvalidError"
    ],
    "TwoFactorEnableResult": [
      "TwoFactorEnabled",
      "TwoFactorError"
    ],
    "TwoFactorResetResult": [
      "TwoFactorResetDone",
      "TwoFactorResetPending"
    ]
  }
};
      export default result;
    