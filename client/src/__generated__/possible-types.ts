
      export type PossibleTypesResultData = {
  "possibleTypes": {
    "BlockIpResult": [
      "AlreadyExistsError",
      "IpBlock"
    ],
    "CreateAccountResult": [
      "AccountCreated",
      "EmailTakenError"
    ],
    "CreateNamedLocationResult": [
      "AlreadyExistsError",
      "NamedLocation"
    ],
    "ErrorResult": [
      "AlreadyExistsError",
      "EmailTakenError",
      "InvalidCredentialsError",
      "IpBlockedError",
      "IpNotAllowedError",
      "SetupAlreadyDoneError",
      "SetupTokenInvalidError",
      "WideRangeNeedsAcknowledgementError"
    ],
    "LoginResult": [
      "InvalidCredentialsError",
      "IpBlockedError",
      "IpNotAllowedError",
      "LoginSuccess"
    ],
    "MarkIpSafeResult": [
      "AlreadyExistsError",
      "TrustedIp",
      "WideRangeNeedsAcknowledgementError"
    ],
    "SetupFirstAdminResult": [
      "SetupAlreadyDoneError",
      "SetupSuccess",
      "SetupTokenInvalidError"
    ]
  }
};
      const result: PossibleTypesResultData = {
  "possibleTypes": {
    "BlockIpResult": [
      "AlreadyExistsError",
      "IpBlock"
    ],
    "CreateAccountResult": [
      "AccountCreated",
      "EmailTakenError"
    ],
    "CreateNamedLocationResult": [
      "AlreadyExistsError",
      "NamedLocation"
    ],
    "ErrorResult": [
      "AlreadyExistsError",
      "EmailTakenError",
      "InvalidCredentialsError",
      "IpBlockedError",
      "IpNotAllowedError",
      "SetupAlreadyDoneError",
      "SetupTokenInvalidError",
      "WideRangeNeedsAcknowledgementError"
    ],
    "LoginResult": [
      "InvalidCredentialsError",
      "IpBlockedError",
      "IpNotAllowedError",
      "LoginSuccess"
    ],
    "MarkIpSafeResult": [
      "AlreadyExistsError",
      "TrustedIp",
      "WideRangeNeedsAcknowledgementError"
    ],
    "SetupFirstAdminResult": [
      "SetupAlreadyDoneError",
      "SetupSuccess",
      "SetupTokenInvalidError"
    ]
  }
};
      export default result;
    