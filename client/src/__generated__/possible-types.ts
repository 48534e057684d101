
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
      "SetupAlreadyDoneError",
      "SetupTokenInvalidError",
      "WideRangeNeedsAcknowledgementError"
    ],
    "LoginResult": [
      "InvalidCredentialsError",
      "IpBlockedError",
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
      "SetupAlreadyDoneError",
      "SetupTokenInvalidError",
      "WideRangeNeedsAcknowledgementError"
    ],
    "LoginResult": [
      "InvalidCredentialsError",
      "IpBlockedError",
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
    