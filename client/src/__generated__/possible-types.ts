
      export type PossibleTypesResultData = {
  "possibleTypes": {
    "CreateAccountResult": [
      "AccountCreated",
      "EmailTakenError"
    ],
    "ErrorResult": [
      "EmailTakenError",
      "InvalidCredentialsError",
      "SetupAlreadyDoneError",
      "SetupTokenInvalidError"
    ],
    "LoginResult": [
      "InvalidCredentialsError",
      "LoginSuccess"
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
    "CreateAccountResult": [
      "AccountCreated",
      "EmailTakenError"
    ],
    "ErrorResult": [
      "EmailTakenError",
      "InvalidCredentialsError",
      "SetupAlreadyDoneError",
      "SetupTokenInvalidError"
    ],
    "LoginResult": [
      "InvalidCredentialsError",
      "LoginSuccess"
    ],
    "SetupFirstAdminResult": [
      "SetupAlreadyDoneError",
      "SetupSuccess",
      "SetupTokenInvalidError"
    ]
  }
};
      export default result;
    