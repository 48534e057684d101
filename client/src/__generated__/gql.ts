/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment AccountRow on Account {\n    id\n    email\n    name\n    role\n    disabledAt\n    createdAt\n    lastLoginAt\n  }\n": typeof types.AccountRowFragmentDoc,
    "\n  mutation ChangePassword($newPassword: String!) {\n    changePassword(newPassword: $newPassword)\n  }\n": typeof types.ChangePasswordDocument,
    "\n  mutation CreateAccount($input: CreateAccountInput!) {\n    createAccount(input: $input) {\n      __typename\n      ... on AccountCreated {\n        account {\n          id\n          ...AccountRow\n        }\n      }\n      ... on ErrorResult {\n        code\n      }\n    }\n  }\n": typeof types.CreateAccountDocument,
    "\n  mutation SetAccountDisabled($id: ID!, $disabled: Boolean!) {\n    setAccountDisabled(id: $id, disabled: $disabled) {\n      id\n      ...AccountRow\n    }\n  }\n": typeof types.SetAccountDisabledDocument,
    "\n  mutation SetupFirstAdmin($input: SetupFirstAdminInput!) {\n    setupFirstAdmin(input: $input) {\n      __typename\n      ... on SetupSuccess {\n        account {\n          id\n          email\n        }\n      }\n      ... on ErrorResult {\n        code\n      }\n    }\n  }\n": typeof types.SetupFirstAdminDocument,
    "\n  query MailDelivery {\n    mailDelivery(limit: 10) {\n      waiting\n      givenUp\n      messages {\n        to\n        subject\n        queuedAt\n        attempts\n        lastError\n        nextAttemptAt\n        givenUpAt\n      }\n    }\n  }\n": typeof types.MailDeliveryDocument,
    "\n  query OpenIncidentCount {\n    openIncidentCount\n  }\n": typeof types.OpenIncidentCountDocument,
    "\n  subscription IncidentEvents {\n    incidentEvents {\n      kind\n      incidentId\n      accountEmail\n      severity\n      status\n      openIncidents\n      occurredAt\n    }\n  }\n": typeof types.IncidentEventsDocument,
    "\n  fragment IncidentDetail on SecurityIncident {\n    id\n    status\n    severity\n    reason\n    impossibleTravel\n    evidence\n    loginCount\n    openedAt\n    updatedAt\n    resolvedAt\n    resolution\n    resolutionNote\n    holderResponse\n    holderRespondedAt\n    account {\n      id\n      email\n      name\n      passwordResetRequired\n      disabledAt\n    }\n    resolvedBy {\n      id\n      email\n    }\n  }\n": typeof types.IncidentDetailFragmentDoc,
    "\n  mutation MarkIncidentIpsSafe($input: MarkIncidentIpsSafeInput!) {\n    markIncidentIpsSafe(input: $input) {\n      ...IncidentDetail\n    }\n  }\n": typeof types.MarkIncidentIpsSafeDocument,
    "\n  mutation DismissIncident($input: DismissIncidentInput!) {\n    dismissIncident(input: $input) {\n      ...IncidentDetail\n    }\n  }\n": typeof types.DismissIncidentDocument,
    "\n  mutation TreatIncidentAsCompromised($input: TreatIncidentAsCompromisedInput!) {\n    treatIncidentAsCompromised(input: $input) {\n      sessionsRevoked\n      tokensRevoked\n      incident {\n        ...IncidentDetail\n      }\n    }\n  }\n": typeof types.TreatIncidentAsCompromisedDocument,
    "\n  fragment SessionRow on SessionInfo {\n    id\n    createdAt\n    lastSeenAt\n    ip\n    userAgent\n    current\n    stage\n  }\n": typeof types.SessionRowFragmentDoc,
    "\n  query SignInGuard($accountId: ID!) {\n    signInGuard(accountId: $accountId) {\n      failures\n      threshold\n      windowSeconds\n      paused\n    }\n  }\n": typeof types.SignInGuardDocument,
    "\n  mutation ResumeSignIns($accountId: ID!) {\n    resumeSignIns(accountId: $accountId) {\n      paused\n    }\n  }\n": typeof types.ResumeSignInsDocument,
    "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      __typename\n      ... on LoginSuccess {\n        account {\n          id\n        }\n      }\n      ... on SecondFactorRequired {\n        methods\n        expiresAt\n      }\n      ... on TwoFactorEnrollmentRequired {\n        allowedMethods\n        expiresAt\n      }\n      ... on IpBlockedError {\n        until\n      }\n      ... on ErrorResult {\n        code\n      }\n    }\n  }\n": typeof types.LoginDocument,
    "\n  mutation Logout {\n    logout\n  }\n": typeof types.LogoutDocument,
    "\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id)\n  }\n": typeof types.RevokeSessionDocument,
    "\n  query Viewer {\n    me {\n      id\n      name\n      email\n      role\n      permissions\n    }\n  }\n": typeof types.ViewerDocument,
    "\n  query AccountTrustedIps($accountId: ID!, $offset: Int!) {\n    trustedIps(accountId: $accountId, page: { limit: 20, offset: $offset }) {\n      totalCount\n      nodes {\n        id\n        cidr\n        note\n        expiresAt\n      }\n    }\n  }\n": typeof types.AccountTrustedIpsDocument,
    "\n  mutation RemoveAccountTrustedIp($id: ID!) {\n    removeTrustedIp(id: $id)\n  }\n": typeof types.RemoveAccountTrustedIpDocument,
    "\n  mutation MarkIpSafe($input: MarkIpSafeInput!) {\n    markIpSafe(input: $input) {\n      __typename\n      ... on TrustedIp {\n        id\n        cidr\n      }\n      ... on ErrorResult {\n        code\n        message\n      }\n    }\n  }\n": typeof types.MarkIpSafeDocument,
    "\n  query AccountPicker($search: String) {\n    accounts(filter: { search: $search }, page: { limit: 20, offset: 0 }) {\n      nodes {\n        id\n        email\n      }\n    }\n  }\n": typeof types.AccountPickerDocument,
    "\n  mutation ResetTwoFactor($accountId: ID!) {\n    resetTwoFactor(accountId: $accountId) {\n      __typename\n      ... on TwoFactorResetPending {\n        expiresAt\n        newRequest\n        adminsAsked\n        request {\n          createdAt\n          approvableByYou\n          requestedByYou\n          requestedBy {\n            id\n            email\n          }\n        }\n      }\n      ... on ErrorResult {\n        code\n        message\n      }\n    }\n  }\n": typeof types.ResetTwoFactorDocument,
    "\n  mutation SetRequiresTwoFactor($accountId: ID!, $required: Boolean!) {\n    setRequiresTwoFactor(accountId: $accountId, required: $required) {\n      requiresTwoFactor\n      account {\n        id\n        requiresTwoFactor\n      }\n    }\n  }\n": typeof types.SetRequiresTwoFactorDocument,
    "\n  query AccountTwoFactor($accountId: ID!) {\n    accountTwoFactor(accountId: $accountId) {\n      methods\n      recoveryCodesRemaining\n      flaggedKeys\n      required\n      locked\n      systemEnabled\n      resettable\n    }\n  }\n": typeof types.AccountTwoFactorDocument,
    "\n  mutation UnlockSecondFactor($accountId: ID!) {\n    unlockSecondFactor(accountId: $accountId)\n  }\n": typeof types.UnlockSecondFactorDocument,
    "\n  query PendingTwoFactorResets {\n    pendingTwoFactorResets {\n      id\n      createdAt\n      expiresAt\n      approvableByYou\n      target {\n        id\n        email\n      }\n      requestedBy {\n        id\n        email\n      }\n    }\n  }\n": typeof types.PendingTwoFactorResetsDocument,
    "\n  mutation ApproveTwoFactorReset($requestId: ID!) {\n    approveTwoFactorReset(requestId: $requestId) {\n      __typename\n      ... on TwoFactorResetDone {\n        account {\n          id\n          email\n        }\n      }\n    }\n  }\n": typeof types.ApproveTwoFactorResetDocument,
    "\n  mutation WithdrawTwoFactorReset($requestId: ID!) {\n    withdrawTwoFactorReset(requestId: $requestId)\n  }\n": typeof types.WithdrawTwoFactorResetDocument,
    "\n  query TwoFactorSettingsPage {\n    twoFactorSettings {\n      enabled\n      issuer\n      allowedMethods\n      requiredForStaff\n      emailForStaff\n    }\n  }\n": typeof types.TwoFactorSettingsPageDocument,
    "\n  mutation UpdateTwoFactorSettings($input: TwoFactorSettingsInput!) {\n    updateTwoFactorSettings(input: $input) {\n      enabled\n      issuer\n      allowedMethods\n      requiredForStaff\n      emailForStaff\n    }\n  }\n": typeof types.UpdateTwoFactorSettingsDocument,
    "\n  query TwoFactorSettingsImpact($input: TwoFactorSettingsInput!) {\n    twoFactorSettingsImpact(input: $input) {\n      accountsNewlyRequired\n      staffNewlyRequired\n      accountsSignedOut\n      sessionsEnded\n      staffLeftWithoutUsableFactor\n      staffWithoutRecoveryCode\n    }\n  }\n": typeof types.TwoFactorSettingsImpactDocument,
    "\n  mutation VerifySecondFactor($input: SecondFactorInput!) {\n    verifySecondFactor(input: $input) {\n      __typename\n      ... on LoginSuccess {\n        account {\n          id\n        }\n      }\n      ... on TwoFactorError {\n        code\n        reason\n        retryAfter\n      }\n    }\n  }\n": typeof types.VerifySecondFactorDocument,
    "\n  mutation SendEmailCode {\n    sendEmailCode {\n      __typename\n      ... on EmailCodeSent {\n        sentAt\n        nextSendAfter\n      }\n      ... on TwoFactorError {\n        code\n        reason\n        retryAfter\n      }\n    }\n  }\n": typeof types.SendEmailCodeDocument,
    "\n  mutation WebauthnAuthenticationOptions {\n    webauthnAuthenticationOptions\n  }\n": typeof types.WebauthnAuthenticationOptionsDocument,
    "\n  query PendingSignIn {\n    pendingSignIn {\n      stage\n      email\n      methods\n      allowedMethods\n      expiresAt\n    }\n  }\n": typeof types.PendingSignInDocument,
    "\n  query MyTwoFactor {\n    myTwoFactor {\n      enabled\n      systemEnabled\n      methods\n      totpEnabled\n      totpConfirmedAt\n      emailAddress\n      recoveryCodesRemaining\n      allowedMethods\n      required\n      recommendSecondMethod\n      locked\n      webauthnCredentials {\n        id\n        name\n        createdAt\n        lastUsedAt\n        flagged\n        backedUp\n      }\n    }\n  }\n": typeof types.MyTwoFactorDocument,
    "\n  mutation StartTotpEnrollment {\n    startTotpEnrollment {\n      otpauthUri\n      qrCodeSvg\n      secret\n      expiresAt\n    }\n  }\n": typeof types.StartTotpEnrollmentDocument,
    "\n  mutation ConfirmTotpEnrollment($code: String!) {\n    confirmTotpEnrollment(code: $code) {\n      __typename\n      ... on TwoFactorEnabled {\n        method\n        recoveryCodes\n        signedIn\n      }\n      ... on TwoFactorError {\n        code\n        reason\n        retryAfter\n      }\n    }\n  }\n": typeof types.ConfirmTotpEnrollmentDocument,
    "\n  mutation StartEmailEnrollment($address: String!) {\n    startEmailEnrollment(address: $address) {\n      __typename\n      ... on EmailCodeSent {\n        sentAt\n        nextSendAfter\n      }\n      ... on TwoFactorError {\n        code\n        reason\n        retryAfter\n      }\n    }\n  }\n": typeof types.StartEmailEnrollmentDocument,
    "\n  mutation ConfirmEmailEnrollment($code: String!) {\n    confirmEmailEnrollment(code: $code) {\n      __typename\n      ... on TwoFactorEnabled {\n        method\n        recoveryCodes\n        signedIn\n      }\n      ... on TwoFactorError {\n        code\n        reason\n        retryAfter\n      }\n    }\n  }\n": typeof types.ConfirmEmailEnrollmentDocument,
    "\n  mutation WebauthnRegistrationOptions($name: String!) {\n    webauthnRegistrationOptions(name: $name)\n  }\n": typeof types.WebauthnRegistrationOptionsDocument,
    "\n  mutation FinishWebauthnRegistration($response: JSONObject!) {\n    finishWebauthnRegistration(response: $response) {\n      __typename\n      ... on TwoFactorEnabled {\n        method\n        recoveryCodes\n        signedIn\n      }\n      ... on TwoFactorError {\n        code\n        reason\n        retryAfter\n      }\n    }\n  }\n": typeof types.FinishWebauthnRegistrationDocument,
    "\n  mutation Reauthenticate($input: ReauthenticateInput!) {\n    reauthenticate(input: $input) {\n      __typename\n      ... on ReauthSuccess {\n        validUntil\n      }\n      ... on TwoFactorError {\n        code\n        reason\n        retryAfter\n      }\n    }\n  }\n": typeof types.ReauthenticateDocument,
    "\n  mutation DisableTotp {\n    disableTotp\n  }\n": typeof types.DisableTotpDocument,
    "\n  mutation DisableEmailFactor {\n    disableEmailFactor\n  }\n": typeof types.DisableEmailFactorDocument,
    "\n  mutation RemoveWebauthnCredential($id: ID!) {\n    removeWebauthnCredential(id: $id)\n  }\n": typeof types.RemoveWebauthnCredentialDocument,
    "\n  mutation RenameWebauthnCredential($id: ID!, $name: String!) {\n    renameWebauthnCredential(id: $id, name: $name) {\n      id\n      name\n    }\n  }\n": typeof types.RenameWebauthnCredentialDocument,
    "\n  mutation GenerateRecoveryCodes {\n    generateRecoveryCodes {\n      codes\n    }\n  }\n": typeof types.GenerateRecoveryCodesDocument,
    "\n  query AccessListPage($accountId: ID) {\n    adminAccessList(accountId: $accountId) {\n      account {\n        id\n        email\n      }\n      restricted\n      currentIp\n      currentIpListed\n      entries {\n        id\n        cidr\n        label\n        createdAt\n      }\n    }\n    ipRestrictionPreview(accountId: $accountId) {\n      ip\n      count\n      lastAt\n      services\n    }\n  }\n": typeof types.AccessListPageDocument,
    "\n  mutation AddAccessEntries($lines: String!, $label: String, $accountId: ID) {\n    addAdminAccessEntries(lines: $lines, label: $label, accountId: $accountId) {\n      restricted\n    }\n  }\n": typeof types.AddAccessEntriesDocument,
    "\n  mutation RemoveAccessEntry($id: ID!) {\n    removeAdminAccessEntry(id: $id) {\n      restricted\n    }\n  }\n": typeof types.RemoveAccessEntryDocument,
    "\n  mutation SetIpRestriction($restricted: Boolean!, $accountId: ID) {\n    setIpRestriction(restricted: $restricted, accountId: $accountId) {\n      restricted\n    }\n  }\n": typeof types.SetIpRestrictionDocument,
    "\n  query AccountPage($id: ID!, $page: PageInput) {\n    account(id: $id) {\n      id\n      email\n      name\n      role\n      disabledAt\n      createdAt\n      lastLoginAt\n      requiresTwoFactor\n    }\n    loginEvents(filter: { accountId: $id }, page: $page) {\n      totalCount\n      nodes {\n        id\n        occurredAt\n        ip\n        service\n        outcome\n        city\n        region\n        countryCode\n        namedLocation\n        asn\n        asnOrg\n        networkKind\n      }\n    }\n  }\n": typeof types.AccountPageDocument,
    "\n  query AuditPage($filter: AuditFilter, $page: PageInput) {\n    auditLog(filter: $filter, page: $page) {\n      totalCount\n      nodes {\n        id\n        occurredAt\n        actorEmail\n        action\n        targetType\n        targetLabel\n        ip\n        details\n      }\n    }\n  }\n": typeof types.AuditPageDocument,
    "\n  query CheckIp($ip: String!) {\n    checkIp(ip: $ip) {\n      ip\n      sourcePrefix\n      recentFailures\n      activeBlock {\n        id\n        cidr\n        reason\n        note\n        strike\n        expiresAt\n      }\n      accountsTried {\n        attemptedName\n        failures\n        lastAt\n      }\n      globalSafe {\n        id\n        cidr\n      }\n      trustedBy {\n        accountId\n        email\n        entry {\n          id\n          cidr\n        }\n      }\n      location {\n        city\n        region\n        countryCode\n        asn\n        asnOrg\n        networkKind\n        namedLocation\n      }\n    }\n  }\n": typeof types.CheckIpDocument,
    "\n  query BlockedIpsPage($activeOnly: Boolean!, $reason: BlockReason, $offset: Int!) {\n    ipBlocks(activeOnly: $activeOnly, reason: $reason, page: { limit: 50, offset: $offset }) {\n      totalCount\n      nodes {\n        id\n        cidr\n        reason\n        note\n        failures\n        strike\n        createdAt\n        expiresAt\n        liftedAt\n      }\n    }\n    bruteForceSettings {\n      ipThreshold\n      accountIpThreshold\n      windowSeconds\n      blockSeconds\n      maxBlockSeconds\n      escalationFactor\n    }\n  }\n": typeof types.BlockedIpsPageDocument,
    "\n  mutation UnblockIp($ip: String!) {\n    unblockIp(ip: $ip) {\n      id\n      liftedAt\n    }\n  }\n": typeof types.UnblockIpDocument,
    "\n  mutation BlockIp($input: BlockIpInput!) {\n    blockIp(input: $input) {\n      __typename\n      ... on IpBlock {\n        id\n        cidr\n      }\n      ... on ErrorResult {\n        code\n        message\n      }\n    }\n  }\n": typeof types.BlockIpDocument,
    "\n  query HomePage {\n    me {\n      id\n      name\n      email\n    }\n    myTwoFactor {\n      enabled\n      allowedMethods\n      recommendSecondMethod\n      recoveryCodesRemaining\n      required\n      totpEnabled\n      emailAddress\n      webauthnCredentials {\n        id\n      }\n    }\n  }\n": typeof types.HomePageDocument,
    "\n  mutation RespondToIncident($token: String!) {\n    respondToIncident(token: $token) {\n      answer\n    }\n  }\n": typeof types.RespondToIncidentDocument,
    "\n  mutation SendPasswordResetLink($accountId: ID!) {\n    sendPasswordResetLink(accountId: $accountId)\n  }\n": typeof types.SendPasswordResetLinkDocument,
    "\n  query IncidentPage($id: ID!) {\n    securityIncident(id: $id) {\n      ...IncidentDetail\n      logins {\n        id\n        occurredAt\n        ip\n        countryCode\n        region\n        city\n        latitude\n        longitude\n        asn\n        asnOrg\n        networkKind\n        namedLocation\n        service\n        userAgent\n        outcome\n      }\n      legs {\n        fromLoginId\n        toLoginId\n        distanceKm\n        hours\n        speedKmh\n        impossible\n      }\n    }\n  }\n": typeof types.IncidentPageDocument,
    "\n  query IncidentsPage($filter: IncidentFilterInput, $page: PageInput) {\n    securityIncidents(filter: $filter, page: $page) {\n      totalCount\n      nodes {\n        id\n        status\n        severity\n        reason\n        impossibleTravel\n        loginCount\n        openedAt\n        updatedAt\n        resolution\n        holderResponse\n        account {\n          id\n          email\n        }\n      }\n    }\n  }\n": typeof types.IncidentsPageDocument,
    "\n  query LoginPage {\n    setupStatus {\n      needsSetup\n    }\n    pendingSignIn {\n      stage\n      methods\n    }\n  }\n": typeof types.LoginPageDocument,
    "\n  query MyLoginsPage($page: PageInput) {\n    myLoginEvents(page: $page) {\n      totalCount\n      nodes {\n        id\n        occurredAt\n        ip\n        service\n        outcome\n        userAgent\n        city\n        region\n        countryCode\n        namedLocation\n        asn\n        asnOrg\n        networkKind\n      }\n    }\n    myTrustedIps {\n      id\n      cidr\n      note\n      expiresAt\n    }\n  }\n": typeof types.MyLoginsPageDocument,
    "\n  query NamedLocationsPage {\n    namedLocations {\n      id\n      cidr\n      name\n      countryCode\n      region\n      city\n      latitude\n      longitude\n      asn\n      asnOrg\n      networkKind\n      trusted\n    }\n  }\n": typeof types.NamedLocationsPageDocument,
    "\n  mutation CreateNamedLocation($input: NamedLocationInput!) {\n    createNamedLocation(input: $input) {\n      __typename\n      ... on NamedLocation {\n        id\n      }\n      ... on ErrorResult {\n        code\n        message\n      }\n    }\n  }\n": typeof types.CreateNamedLocationDocument,
    "\n  query AsnKinds {\n    asnNetworkKinds {\n      asn\n      kind\n    }\n  }\n": typeof types.AsnKindsDocument,
    "\n  mutation SetAsnKind($asn: Int!, $kind: NetworkKind) {\n    setAsnNetworkKind(asn: $asn, kind: $kind) {\n      asn\n      kind\n    }\n  }\n": typeof types.SetAsnKindDocument,
    "\n  mutation DeleteNamedLocation($id: ID!) {\n    deleteNamedLocation(id: $id)\n  }\n": typeof types.DeleteNamedLocationDocument,
    "\n  query OutboxPage {\n    devOutbox(limit: 100) {\n      enabled\n      messages {\n        file\n        to\n        subject\n        date\n        text\n      }\n    }\n  }\n": typeof types.OutboxPageDocument,
    "\n  query ProtectionSettingsPage {\n    bruteForceSettings {\n      ipThreshold\n      accountIpThreshold\n      windowSeconds\n      blockSeconds\n      maxBlockSeconds\n      escalationFactor\n    }\n    incidentSettings {\n      enabled\n      windowSeconds\n      distanceKm\n      maxSpeedKmh\n      failuresBeforeSuccess\n    }\n  }\n": typeof types.ProtectionSettingsPageDocument,
    "\n  mutation UpdateBruteForceSettings($input: BruteForceSettingsInput!) {\n    updateBruteForceSettings(input: $input) {\n      ipThreshold\n      accountIpThreshold\n      windowSeconds\n      blockSeconds\n      maxBlockSeconds\n      escalationFactor\n    }\n  }\n": typeof types.UpdateBruteForceSettingsDocument,
    "\n  mutation UpdateIncidentSettings($input: IncidentSettingsInput!) {\n    updateIncidentSettings(input: $input) {\n      enabled\n      windowSeconds\n      distanceKm\n      maxSpeedKmh\n      failuresBeforeSuccess\n    }\n  }\n": typeof types.UpdateIncidentSettingsDocument,
    "\n  mutation ResetPassword($token: String!, $newPassword: String!) {\n    resetPassword(token: $token, newPassword: $newPassword)\n  }\n": typeof types.ResetPasswordDocument,
    "\n  query SessionsPage {\n    mySessions {\n      id\n      ...SessionRow\n    }\n  }\n": typeof types.SessionsPageDocument,
    "\n  query SetupPage {\n    setupStatus {\n      needsSetup\n    }\n  }\n": typeof types.SetupPageDocument,
    "\n  query SubAdminsPage($offset: Int!) {\n    accounts(filter: { role: SUB_ADMIN }, page: { limit: 50, offset: $offset }) {\n      totalCount\n      nodes {\n        id\n        email\n        name\n        permissions\n        apiOnly\n        ipRestricted\n        disabledAt\n        lastLoginAt\n      }\n    }\n  }\n": typeof types.SubAdminsPageDocument,
    "\n  mutation SetSubAdminPermissions($id: ID!, $permissions: [Permission!]!) {\n    setPermissions(id: $id, permissions: $permissions) {\n      id\n      permissions\n    }\n  }\n": typeof types.SetSubAdminPermissionsDocument,
    "\n  mutation DeleteSubAdmin($id: ID!) {\n    deleteAccount(id: $id)\n  }\n": typeof types.DeleteSubAdminDocument,
    "\n  query ApiTokens($accountId: ID!) {\n    apiTokens(accountId: $accountId) {\n      id\n      name\n      prefix\n      createdAt\n      createdByEmail\n      expiresAt\n      lastUsedAt\n      lastUsedIp\n      revokedAt\n    }\n  }\n": typeof types.ApiTokensDocument,
    "\n  mutation CreateApiToken($input: CreateApiTokenInput!) {\n    createApiToken(input: $input) {\n      token\n      apiToken {\n        id\n        name\n      }\n    }\n  }\n": typeof types.CreateApiTokenDocument,
    "\n  mutation RevokeApiToken($id: ID!) {\n    revokeApiToken(id: $id) {\n      id\n      revokedAt\n    }\n  }\n": typeof types.RevokeApiTokenDocument,
    "\n  query TrustedIpsPage($globalOnly: Boolean!, $offset: Int!) {\n    trustedIps(globalOnly: $globalOnly, page: { limit: 50, offset: $offset }) {\n      totalCount\n      nodes {\n        id\n        cidr\n        note\n        expiresAt\n        createdAt\n        account {\n          id\n          email\n        }\n      }\n    }\n  }\n": typeof types.TrustedIpsPageDocument,
    "\n  mutation RemoveTrustedIp($id: ID!) {\n    removeTrustedIp(id: $id)\n  }\n": typeof types.RemoveTrustedIpDocument,
    "\n  query TwoFactorCompliancePage($without: Boolean, $page: PageInput) {\n    twoFactorCompliance(withoutTwoFactor: $without, page: $page) {\n      total\n      matching\n      withTwoFactor\n      withoutTwoFactor\n      requiredButMissing\n      onlyUnusableMethods\n      cannotSignIn\n      rows {\n        role\n        enabled\n        methods\n        unusableMethods\n        recoveryCodesLeft\n        required\n        lastLoginAt\n        account {\n          id\n          email\n          name\n          disabledAt\n        }\n      }\n    }\n  }\n": typeof types.TwoFactorCompliancePageDocument,
    "\n  query UsersPage($filter: AccountFilter, $page: PageInput) {\n    accounts(filter: $filter, page: $page) {\n      totalCount\n      nodes {\n        id\n        ...AccountRow\n      }\n    }\n  }\n": typeof types.UsersPageDocument,
};
const documents: Documents = {
    "\n  fragment AccountRow on Account {\n    id\n    email\n    name\n    role\n    disabledAt\n    createdAt\n    lastLoginAt\n  }\n": types.AccountRowFragmentDoc,
    "\n  mutation ChangePassword($newPassword: String!) {\n    changePassword(newPassword: $newPassword)\n  }\n": types.ChangePasswordDocument,
    "\n  mutation CreateAccount($input: CreateAccountInput!) {\n    createAccount(input: $input) {\n      __typename\n      ... on AccountCreated {\n        account {\n          id\n          ...AccountRow\n        }\n      }\n      ... on ErrorResult {\n        code\n      }\n    }\n  }\n": types.CreateAccountDocument,
    "\n  mutation SetAccountDisabled($id: ID!, $disabled: Boolean!) {\n    setAccountDisabled(id: $id, disabled: $disabled) {\n      id\n      ...AccountRow\n    }\n  }\n": types.SetAccountDisabledDocument,
    "\n  mutation SetupFirstAdmin($input: SetupFirstAdminInput!) {\n    setupFirstAdmin(input: $input) {\n      __typename\n      ... on SetupSuccess {\n        account {\n          id\n          email\n        }\n      }\n      ... on ErrorResult {\n        code\n      }\n    }\n  }\n": types.SetupFirstAdminDocument,
    "\n  query MailDelivery {\n    mailDelivery(limit: 10) {\n      waiting\n      givenUp\n      messages {\n        to\n        subject\n        queuedAt\n        attempts\n        lastError\n        nextAttemptAt\n        givenUpAt\n      }\n    }\n  }\n": types.MailDeliveryDocument,
    "\n  query OpenIncidentCount {\n    openIncidentCount\n  }\n": types.OpenIncidentCountDocument,
    "\n  subscription IncidentEvents {\n    incidentEvents {\n      kind\n      incidentId\n      accountEmail\n      severity\n      status\n      openIncidents\n      occurredAt\n    }\n  }\n": types.IncidentEventsDocument,
    "\n  fragment IncidentDetail on SecurityIncident {\n    id\n    status\n    severity\n    reason\n    impossibleTravel\n    evidence\n    loginCount\n    openedAt\n    updatedAt\n    resolvedAt\n    resolution\n    resolutionNote\n    holderResponse\n    holderRespondedAt\n    account {\n      id\n      email\n      name\n      passwordResetRequired\n      disabledAt\n    }\n    resolvedBy {\n      id\n      email\n    }\n  }\n": types.IncidentDetailFragmentDoc,
    "\n  mutation MarkIncidentIpsSafe($input: MarkIncidentIpsSafeInput!) {\n    markIncidentIpsSafe(input: $input) {\n      ...IncidentDetail\n    }\n  }\n": types.MarkIncidentIpsSafeDocument,
    "\n  mutation DismissIncident($input: DismissIncidentInput!) {\n    dismissIncident(input: $input) {\n      ...IncidentDetail\n    }\n  }\n": types.DismissIncidentDocument,
    "\n  mutation TreatIncidentAsCompromised($input: TreatIncidentAsCompromisedInput!) {\n    treatIncidentAsCompromised(input: $input) {\n      sessionsRevoked\n      tokensRevoked\n      incident {\n        ...IncidentDetail\n      }\n    }\n  }\n": types.TreatIncidentAsCompromisedDocument,
    "\n  fragment SessionRow on SessionInfo {\n    id\n    createdAt\n    lastSeenAt\n    ip\n    userAgent\n    current\n    stage\n  }\n": types.SessionRowFragmentDoc,
    "\n  query SignInGuard($accountId: ID!) {\n    signInGuard(accountId: $accountId) {\n      failures\n      threshold\n      windowSeconds\n      paused\n    }\n  }\n": types.SignInGuardDocument,
    "\n  mutation ResumeSignIns($accountId: ID!) {\n    resumeSignIns(accountId: $accountId) {\n      paused\n    }\n  }\n": types.ResumeSignInsDocument,
    "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      __typename\n      ... on LoginSuccess {\n        account {\n          id\n        }\n      }\n      ... on SecondFactorRequired {\n        methods\n        expiresAt\n      }\n      ... on TwoFactorEnrollmentRequired {\n        allowedMethods\n        expiresAt\n      }\n      ... on IpBlockedError {\n        until\n      }\n      ... on ErrorResult {\n        code\n      }\n    }\n  }\n": types.LoginDocument,
    "\n  mutation Logout {\n    logout\n  }\n": types.LogoutDocument,
    "\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id)\n  }\n": types.RevokeSessionDocument,
    "\n  query Viewer {\n    me {\n      id\n      name\n      email\n      role\n      permissions\n    }\n  }\n": types.ViewerDocument,
    "\n  query AccountTrustedIps($accountId: ID!, $offset: Int!) {\n    trustedIps(accountId: $accountId, page: { limit: 20, offset: $offset }) {\n      totalCount\n      nodes {\n        id\n        cidr\n        note\n        expiresAt\n      }\n    }\n  }\n": types.AccountTrustedIpsDocument,
    "\n  mutation RemoveAccountTrustedIp($id: ID!) {\n    removeTrustedIp(id: $id)\n  }\n": types.RemoveAccountTrustedIpDocument,
    "\n  mutation MarkIpSafe($input: MarkIpSafeInput!) {\n    markIpSafe(input: $input) {\n      __typename\n      ... on TrustedIp {\n        id\n        cidr\n      }\n      ... on ErrorResult {\n        code\n        message\n      }\n    }\n  }\n": types.MarkIpSafeDocument,
    "\n  query AccountPicker($search: String) {\n    accounts(filter: { search: $search }, page: { limit: 20, offset: 0 }) {\n      nodes {\n        id\n        email\n      }\n    }\n  }\n": types.AccountPickerDocument,
    "\n  mutation ResetTwoFactor($accountId: ID!) {\n    resetTwoFactor(accountId: $accountId) {\n      __typename\n      ... on TwoFactorResetPending {\n        expiresAt\n        newRequest\n        adminsAsked\n        request {\n          createdAt\n          approvableByYou\n          requestedByYou\n          requestedBy {\n            id\n            email\n          }\n        }\n      }\n      ... on ErrorResult {\n        code\n        message\n      }\n    }\n  }\n": types.ResetTwoFactorDocument,
    "\n  mutation SetRequiresTwoFactor($accountId: ID!, $required: Boolean!) {\n    setRequiresTwoFactor(accountId: $accountId, required: $required) {\n      requiresTwoFactor\n      account {\n        id\n        requiresTwoFactor\n      }\n    }\n  }\n": types.SetRequiresTwoFactorDocument,
    "\n  query AccountTwoFactor($accountId: ID!) {\n    accountTwoFactor(accountId: $accountId) {\n      methods\n      recoveryCodesRemaining\n      flaggedKeys\n      required\n      locked\n      systemEnabled\n      resettable\n    }\n  }\n": types.AccountTwoFactorDocument,
    "\n  mutation UnlockSecondFactor($accountId: ID!) {\n    unlockSecondFactor(accountId: $accountId)\n  }\n": types.UnlockSecondFactorDocument,
    "\n  query PendingTwoFactorResets {\n    pendingTwoFactorResets {\n      id\n      createdAt\n      expiresAt\n      approvableByYou\n      target {\n        id\n        email\n      }\n      requestedBy {\n        id\n        email\n      }\n    }\n  }\n": types.PendingTwoFactorResetsDocument,
    "\n  mutation ApproveTwoFactorReset($requestId: ID!) {\n    approveTwoFactorReset(requestId: $requestId) {\n      __typename\n      ... on TwoFactorResetDone {\n        account {\n          id\n          email\n        }\n      }\n    }\n  }\n": types.ApproveTwoFactorResetDocument,
    "\n  mutation WithdrawTwoFactorReset($requestId: ID!) {\n    withdrawTwoFactorReset(requestId: $requestId)\n  }\n": types.WithdrawTwoFactorResetDocument,
    "\n  query TwoFactorSettingsPage {\n    twoFactorSettings {\n      enabled\n      issuer\n      allowedMethods\n      requiredForStaff\n      emailForStaff\n    }\n  }\n": types.TwoFactorSettingsPageDocument,
    "\n  mutation UpdateTwoFactorSettings($input: TwoFactorSettingsInput!) {\n    updateTwoFactorSettings(input: $input) {\n      enabled\n      issuer\n      allowedMethods\n      requiredForStaff\n      emailForStaff\n    }\n  }\n": types.UpdateTwoFactorSettingsDocument,
    "\n  query TwoFactorSettingsImpact($input: TwoFactorSettingsInput!) {\n    twoFactorSettingsImpact(input: $input) {\n      accountsNewlyRequired\n      staffNewlyRequired\n      accountsSignedOut\n      sessionsEnded\n      staffLeftWithoutUsableFactor\n      staffWithoutRecoveryCode\n    }\n  }\n": types.TwoFactorSettingsImpactDocument,
    "\n  mutation VerifySecondFactor($input: SecondFactorInput!) {\n    verifySecondFactor(input: $input) {\n      __typename\n      ... on LoginSuccess {\n        account {\n          id\n        }\n      }\n      ... on TwoFactorError {\n        code\n        reason\n        retryAfter\n      }\n    }\n  }\n": types.VerifySecondFactorDocument,
    "\n  mutation SendEmailCode {\n    sendEmailCode {\n      __typename\n      ... on EmailCodeSent {\n        sentAt\n        nextSendAfter\n      }\n      ... on TwoFactorError {\n        code\n        reason\n        retryAfter\n      }\n    }\n  }\n": types.SendEmailCodeDocument,
    "\n  mutation WebauthnAuthenticationOptions {\n    webauthnAuthenticationOptions\n  }\n": types.WebauthnAuthenticationOptionsDocument,
    "\n  query PendingSignIn {\n    pendingSignIn {\n      stage\n      email\n      methods\n      allowedMethods\n      expiresAt\n    }\n  }\n": types.PendingSignInDocument,
    "\n  query MyTwoFactor {\n    myTwoFactor {\n      enabled\n      systemEnabled\n      methods\n      totpEnabled\n      totpConfirmedAt\n      emailAddress\n      recoveryCodesRemaining\n      allowedMethods\n      required\n      recommendSecondMethod\n      locked\n      webauthnCredentials {\n        id\n        name\n        createdAt\n        lastUsedAt\n        flagged\n        backedUp\n      }\n    }\n  }\n": types.MyTwoFactorDocument,
    "\n  mutation StartTotpEnrollment {\n    startTotpEnrollment {\n      otpauthUri\n      qrCodeSvg\n      secret\n      expiresAt\n    }\n  }\n": types.StartTotpEnrollmentDocument,
    "\n  mutation ConfirmTotpEnrollment($code: String!) {\n    confirmTotpEnrollment(code: $code) {\n      __typename\n      ... on TwoFactorEnabled {\n        method\n        recoveryCodes\n        signedIn\n      }\n      ... on TwoFactorError {\n        code\n        reason\n        retryAfter\n      }\n    }\n  }\n": types.ConfirmTotpEnrollmentDocument,
    "\n  mutation StartEmailEnrollment($address: String!) {\n    startEmailEnrollment(address: $address) {\n      __typename\n      ... on EmailCodeSent {\n        sentAt\n        nextSendAfter\n      }\n      ... on TwoFactorError {\n        code\n        reason\n        retryAfter\n      }\n    }\n  }\n": types.StartEmailEnrollmentDocument,
    "\n  mutation ConfirmEmailEnrollment($code: String!) {\n    confirmEmailEnrollment(code: $code) {\n      __typename\n      ... on TwoFactorEnabled {\n        method\n        recoveryCodes\n        signedIn\n      }\n      ... on TwoFactorError {\n        code\n        reason\n        retryAfter\n      }\n    }\n  }\n": types.ConfirmEmailEnrollmentDocument,
    "\n  mutation WebauthnRegistrationOptions($name: String!) {\n    webauthnRegistrationOptions(name: $name)\n  }\n": types.WebauthnRegistrationOptionsDocument,
    "\n  mutation FinishWebauthnRegistration($response: JSONObject!) {\n    finishWebauthnRegistration(response: $response) {\n      __typename\n      ... on TwoFactorEnabled {\n        method\n        recoveryCodes\n        signedIn\n      }\n      ... on TwoFactorError {\n        code\n        reason\n        retryAfter\n      }\n    }\n  }\n": types.FinishWebauthnRegistrationDocument,
    "\n  mutation Reauthenticate($input: ReauthenticateInput!) {\n    reauthenticate(input: $input) {\n      __typename\n      ... on ReauthSuccess {\n        validUntil\n      }\n      ... on TwoFactorError {\n        code\n        reason\n        retryAfter\n      }\n    }\n  }\n": types.ReauthenticateDocument,
    "\n  mutation DisableTotp {\n    disableTotp\n  }\n": types.DisableTotpDocument,
    "\n  mutation DisableEmailFactor {\n    disableEmailFactor\n  }\n": types.DisableEmailFactorDocument,
    "\n  mutation RemoveWebauthnCredential($id: ID!) {\n    removeWebauthnCredential(id: $id)\n  }\n": types.RemoveWebauthnCredentialDocument,
    "\n  mutation RenameWebauthnCredential($id: ID!, $name: String!) {\n    renameWebauthnCredential(id: $id, name: $name) {\n      id\n      name\n    }\n  }\n": types.RenameWebauthnCredentialDocument,
    "\n  mutation GenerateRecoveryCodes {\n    generateRecoveryCodes {\n      codes\n    }\n  }\n": types.GenerateRecoveryCodesDocument,
    "\n  query AccessListPage($accountId: ID) {\n    adminAccessList(accountId: $accountId) {\n      account {\n        id\n        email\n      }\n      restricted\n      currentIp\n      currentIpListed\n      entries {\n        id\n        cidr\n        label\n        createdAt\n      }\n    }\n    ipRestrictionPreview(accountId: $accountId) {\n      ip\n      count\n      lastAt\n      services\n    }\n  }\n": types.AccessListPageDocument,
    "\n  mutation AddAccessEntries($lines: String!, $label: String, $accountId: ID) {\n    addAdminAccessEntries(lines: $lines, label: $label, accountId: $accountId) {\n      restricted\n    }\n  }\n": types.AddAccessEntriesDocument,
    "\n  mutation RemoveAccessEntry($id: ID!) {\n    removeAdminAccessEntry(id: $id) {\n      restricted\n    }\n  }\n": types.RemoveAccessEntryDocument,
    "\n  mutation SetIpRestriction($restricted: Boolean!, $accountId: ID) {\n    setIpRestriction(restricted: $restricted, accountId: $accountId) {\n      restricted\n    }\n  }\n": types.SetIpRestrictionDocument,
    "\n  query AccountPage($id: ID!, $page: PageInput) {\n    account(id: $id) {\n      id\n      email\n      name\n      role\n      disabledAt\n      createdAt\n      lastLoginAt\n      requiresTwoFactor\n    }\n    loginEvents(filter: { accountId: $id }, page: $page) {\n      totalCount\n      nodes {\n        id\n        occurredAt\n        ip\n        service\n        outcome\n        city\n        region\n        countryCode\n        namedLocation\n        asn\n        asnOrg\n        networkKind\n      }\n    }\n  }\n": types.AccountPageDocument,
    "\n  query AuditPage($filter: AuditFilter, $page: PageInput) {\n    auditLog(filter: $filter, page: $page) {\n      totalCount\n      nodes {\n        id\n        occurredAt\n        actorEmail\n        action\n        targetType\n        targetLabel\n        ip\n        details\n      }\n    }\n  }\n": types.AuditPageDocument,
    "\n  query CheckIp($ip: String!) {\n    checkIp(ip: $ip) {\n      ip\n      sourcePrefix\n      recentFailures\n      activeBlock {\n        id\n        cidr\n        reason\n        note\n        strike\n        expiresAt\n      }\n      accountsTried {\n        attemptedName\n        failures\n        lastAt\n      }\n      globalSafe {\n        id\n        cidr\n      }\n      trustedBy {\n        accountId\n        email\n        entry {\n          id\n          cidr\n        }\n      }\n      location {\n        city\n        region\n        countryCode\n        asn\n        asnOrg\n        networkKind\n        namedLocation\n      }\n    }\n  }\n": types.CheckIpDocument,
    "\n  query BlockedIpsPage($activeOnly: Boolean!, $reason: BlockReason, $offset: Int!) {\n    ipBlocks(activeOnly: $activeOnly, reason: $reason, page: { limit: 50, offset: $offset }) {\n      totalCount\n      nodes {\n        id\n        cidr\n        reason\n        note\n        failures\n        strike\n        createdAt\n        expiresAt\n        liftedAt\n      }\n    }\n    bruteForceSettings {\n      ipThreshold\n      accountIpThreshold\n      windowSeconds\n      blockSeconds\n      maxBlockSeconds\n      escalationFactor\n    }\n  }\n": types.BlockedIpsPageDocument,
    "\n  mutation UnblockIp($ip: String!) {\n    unblockIp(ip: $ip) {\n      id\n      liftedAt\n    }\n  }\n": types.UnblockIpDocument,
    "\n  mutation BlockIp($input: BlockIpInput!) {\n    blockIp(input: $input) {\n      __typename\n      ... on IpBlock {\n        id\n        cidr\n      }\n      ... on ErrorResult {\n        code\n        message\n      }\n    }\n  }\n": types.BlockIpDocument,
    "\n  query HomePage {\n    me {\n      id\n      name\n      email\n    }\n    myTwoFactor {\n      enabled\n      allowedMethods\n      recommendSecondMethod\n      recoveryCodesRemaining\n      required\n      totpEnabled\n      emailAddress\n      webauthnCredentials {\n        id\n      }\n    }\n  }\n": types.HomePageDocument,
    "\n  mutation RespondToIncident($token: String!) {\n    respondToIncident(token: $token) {\n      answer\n    }\n  }\n": types.RespondToIncidentDocument,
    "\n  mutation SendPasswordResetLink($accountId: ID!) {\n    sendPasswordResetLink(accountId: $accountId)\n  }\n": types.SendPasswordResetLinkDocument,
    "\n  query IncidentPage($id: ID!) {\n    securityIncident(id: $id) {\n      ...IncidentDetail\n      logins {\n        id\n        occurredAt\n        ip\n        countryCode\n        region\n        city\n        latitude\n        longitude\n        asn\n        asnOrg\n        networkKind\n        namedLocation\n        service\n        userAgent\n        outcome\n      }\n      legs {\n        fromLoginId\n        toLoginId\n        distanceKm\n        hours\n        speedKmh\n        impossible\n      }\n    }\n  }\n": types.IncidentPageDocument,
    "\n  query IncidentsPage($filter: IncidentFilterInput, $page: PageInput) {\n    securityIncidents(filter: $filter, page: $page) {\n      totalCount\n      nodes {\n        id\n        status\n        severity\n        reason\n        impossibleTravel\n        loginCount\n        openedAt\n        updatedAt\n        resolution\n        holderResponse\n        account {\n          id\n          email\n        }\n      }\n    }\n  }\n": types.IncidentsPageDocument,
    "\n  query LoginPage {\n    setupStatus {\n      needsSetup\n    }\n    pendingSignIn {\n      stage\n      methods\n    }\n  }\n": types.LoginPageDocument,
    "\n  query MyLoginsPage($page: PageInput) {\n    myLoginEvents(page: $page) {\n      totalCount\n      nodes {\n        id\n        occurredAt\n        ip\n        service\n        outcome\n        userAgent\n        city\n        region\n        countryCode\n        namedLocation\n        asn\n        asnOrg\n        networkKind\n      }\n    }\n    myTrustedIps {\n      id\n      cidr\n      note\n      expiresAt\n    }\n  }\n": types.MyLoginsPageDocument,
    "\n  query NamedLocationsPage {\n    namedLocations {\n      id\n      cidr\n      name\n      countryCode\n      region\n      city\n      latitude\n      longitude\n      asn\n      asnOrg\n      networkKind\n      trusted\n    }\n  }\n": types.NamedLocationsPageDocument,
    "\n  mutation CreateNamedLocation($input: NamedLocationInput!) {\n    createNamedLocation(input: $input) {\n      __typename\n      ... on NamedLocation {\n        id\n      }\n      ... on ErrorResult {\n        code\n        message\n      }\n    }\n  }\n": types.CreateNamedLocationDocument,
    "\n  query AsnKinds {\n    asnNetworkKinds {\n      asn\n      kind\n    }\n  }\n": types.AsnKindsDocument,
    "\n  mutation SetAsnKind($asn: Int!, $kind: NetworkKind) {\n    setAsnNetworkKind(asn: $asn, kind: $kind) {\n      asn\n      kind\n    }\n  }\n": types.SetAsnKindDocument,
    "\n  mutation DeleteNamedLocation($id: ID!) {\n    deleteNamedLocation(id: $id)\n  }\n": types.DeleteNamedLocationDocument,
    "\n  query OutboxPage {\n    devOutbox(limit: 100) {\n      enabled\n      messages {\n        file\n        to\n        subject\n        date\n        text\n      }\n    }\n  }\n": types.OutboxPageDocument,
    "\n  query ProtectionSettingsPage {\n    bruteForceSettings {\n      ipThreshold\n      accountIpThreshold\n      windowSeconds\n      blockSeconds\n      maxBlockSeconds\n      escalationFactor\n    }\n    incidentSettings {\n      enabled\n      windowSeconds\n      distanceKm\n      maxSpeedKmh\n      failuresBeforeSuccess\n    }\n  }\n": types.ProtectionSettingsPageDocument,
    "\n  mutation UpdateBruteForceSettings($input: BruteForceSettingsInput!) {\n    updateBruteForceSettings(input: $input) {\n      ipThreshold\n      accountIpThreshold\n      windowSeconds\n      blockSeconds\n      maxBlockSeconds\n      escalationFactor\n    }\n  }\n": types.UpdateBruteForceSettingsDocument,
    "\n  mutation UpdateIncidentSettings($input: IncidentSettingsInput!) {\n    updateIncidentSettings(input: $input) {\n      enabled\n      windowSeconds\n      distanceKm\n      maxSpeedKmh\n      failuresBeforeSuccess\n    }\n  }\n": types.UpdateIncidentSettingsDocument,
    "\n  mutation ResetPassword($token: String!, $newPassword: String!) {\n    resetPassword(token: $token, newPassword: $newPassword)\n  }\n": types.ResetPasswordDocument,
    "\n  query SessionsPage {\n    mySessions {\n      id\n      ...SessionRow\n    }\n  }\n": types.SessionsPageDocument,
    "\n  query SetupPage {\n    setupStatus {\n      needsSetup\n    }\n  }\n": types.SetupPageDocument,
    "\n  query SubAdminsPage($offset: Int!) {\n    accounts(filter: { role: SUB_ADMIN }, page: { limit: 50, offset: $offset }) {\n      totalCount\n      nodes {\n        id\n        email\n        name\n        permissions\n        apiOnly\n        ipRestricted\n        disabledAt\n        lastLoginAt\n      }\n    }\n  }\n": types.SubAdminsPageDocument,
    "\n  mutation SetSubAdminPermissions($id: ID!, $permissions: [Permission!]!) {\n    setPermissions(id: $id, permissions: $permissions) {\n      id\n      permissions\n    }\n  }\n": types.SetSubAdminPermissionsDocument,
    "\n  mutation DeleteSubAdmin($id: ID!) {\n    deleteAccount(id: $id)\n  }\n": types.DeleteSubAdminDocument,
    "\n  query ApiTokens($accountId: ID!) {\n    apiTokens(accountId: $accountId) {\n      id\n      name\n      prefix\n      createdAt\n      createdByEmail\n      expiresAt\n      lastUsedAt\n      lastUsedIp\n      revokedAt\n    }\n  }\n": types.ApiTokensDocument,
    "\n  mutation CreateApiToken($input: CreateApiTokenInput!) {\n    createApiToken(input: $input) {\n      token\n      apiToken {\n        id\n        name\n      }\n    }\n  }\n": types.CreateApiTokenDocument,
    "\n  mutation RevokeApiToken($id: ID!) {\n    revokeApiToken(id: $id) {\n      id\n      revokedAt\n    }\n  }\n": types.RevokeApiTokenDocument,
    "\n  query TrustedIpsPage($globalOnly: Boolean!, $offset: Int!) {\n    trustedIps(globalOnly: $globalOnly, page: { limit: 50, offset: $offset }) {\n      totalCount\n      nodes {\n        id\n        cidr\n        note\n        expiresAt\n        createdAt\n        account {\n          id\n          email\n        }\n      }\n    }\n  }\n": types.TrustedIpsPageDocument,
    "\n  mutation RemoveTrustedIp($id: ID!) {\n    removeTrustedIp(id: $id)\n  }\n": types.RemoveTrustedIpDocument,
    "\n  query TwoFactorCompliancePage($without: Boolean, $page: PageInput) {\n    twoFactorCompliance(withoutTwoFactor: $without, page: $page) {\n      total\n      matching\n      withTwoFactor\n      withoutTwoFactor\n      requiredButMissing\n      onlyUnusableMethods\n      cannotSignIn\n      rows {\n        role\n        enabled\n        methods\n        unusableMethods\n        recoveryCodesLeft\n        required\n        lastLoginAt\n        account {\n          id\n          email\n          name\n          disabledAt\n        }\n      }\n    }\n  }\n": types.TwoFactorCompliancePageDocument,
    "\n  query UsersPage($filter: AccountFilter, $page: PageInput) {\n    accounts(filter: $filter, page: $page) {\n      totalCount\n      nodes {\n        id\n        ...AccountRow\n      }\n    }\n  }\n": types.UsersPageDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AccountRow on Account {\n    id\n    email\n    name\n    role\n    disabledAt\n    createdAt\n    lastLoginAt\n  }\n"): (typeof documents)["\n  fragment AccountRow on Account {\n    id\n    email\n    name\n    role\n    disabledAt\n    createdAt\n    lastLoginAt\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ChangePassword($newPassword: String!) {\n    changePassword(newPassword: $newPassword)\n  }\n"): (typeof documents)["\n  mutation ChangePassword($newPassword: String!) {\n    changePassword(newPassword: $newPassword)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateAccount($input: CreateAccountInput!) {\n    createAccount(input: $input) {\n      __typename\n      ... on AccountCreated {\n        account {\n          id\n          ...AccountRow\n        }\n      }\n      ... on ErrorResult {\n        code\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateAccount($input: CreateAccountInput!) {\n    createAccount(input: $input) {\n      __typename\n      ... on AccountCreated {\n        account {\n          id\n          ...AccountRow\n        }\n      }\n      ... on ErrorResult {\n        code\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetAccountDisabled($id: ID!, $disabled: Boolean!) {\n    setAccountDisabled(id: $id, disabled: $disabled) {\n      id\n      ...AccountRow\n    }\n  }\n"): (typeof documents)["\n  mutation SetAccountDisabled($id: ID!, $disabled: Boolean!) {\n    setAccountDisabled(id: $id, disabled: $disabled) {\n      id\n      ...AccountRow\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetupFirstAdmin($input: SetupFirstAdminInput!) {\n    setupFirstAdmin(input: $input) {\n      __typename\n      ... on SetupSuccess {\n        account {\n          id\n          email\n        }\n      }\n      ... on ErrorResult {\n        code\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SetupFirstAdmin($input: SetupFirstAdminInput!) {\n    setupFirstAdmin(input: $input) {\n      __typename\n      ... on SetupSuccess {\n        account {\n          id\n          email\n        }\n      }\n      ... on ErrorResult {\n        code\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MailDelivery {\n    mailDelivery(limit: 10) {\n      waiting\n      givenUp\n      messages {\n        to\n        subject\n        queuedAt\n        attempts\n        lastError\n        nextAttemptAt\n        givenUpAt\n      }\n    }\n  }\n"): (typeof documents)["\n  query MailDelivery {\n    mailDelivery(limit: 10) {\n      waiting\n      givenUp\n      messages {\n        to\n        subject\n        queuedAt\n        attempts\n        lastError\n        nextAttemptAt\n        givenUpAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OpenIncidentCount {\n    openIncidentCount\n  }\n"): (typeof documents)["\n  query OpenIncidentCount {\n    openIncidentCount\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription IncidentEvents {\n    incidentEvents {\n      kind\n      incidentId\n      accountEmail\n      severity\n      status\n      openIncidents\n      occurredAt\n    }\n  }\n"): (typeof documents)["\n  subscription IncidentEvents {\n    incidentEvents {\n      kind\n      incidentId\n      accountEmail\n      severity\n      status\n      openIncidents\n      occurredAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment IncidentDetail on SecurityIncident {\n    id\n    status\n    severity\n    reason\n    impossibleTravel\n    evidence\n    loginCount\n    openedAt\n    updatedAt\n    resolvedAt\n    resolution\n    resolutionNote\n    holderResponse\n    holderRespondedAt\n    account {\n      id\n      email\n      name\n      passwordResetRequired\n      disabledAt\n    }\n    resolvedBy {\n      id\n      email\n    }\n  }\n"): (typeof documents)["\n  fragment IncidentDetail on SecurityIncident {\n    id\n    status\n    severity\n    reason\n    impossibleTravel\n    evidence\n    loginCount\n    openedAt\n    updatedAt\n    resolvedAt\n    resolution\n    resolutionNote\n    holderResponse\n    holderRespondedAt\n    account {\n      id\n      email\n      name\n      passwordResetRequired\n      disabledAt\n    }\n    resolvedBy {\n      id\n      email\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MarkIncidentIpsSafe($input: MarkIncidentIpsSafeInput!) {\n    markIncidentIpsSafe(input: $input) {\n      ...IncidentDetail\n    }\n  }\n"): (typeof documents)["\n  mutation MarkIncidentIpsSafe($input: MarkIncidentIpsSafeInput!) {\n    markIncidentIpsSafe(input: $input) {\n      ...IncidentDetail\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DismissIncident($input: DismissIncidentInput!) {\n    dismissIncident(input: $input) {\n      ...IncidentDetail\n    }\n  }\n"): (typeof documents)["\n  mutation DismissIncident($input: DismissIncidentInput!) {\n    dismissIncident(input: $input) {\n      ...IncidentDetail\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TreatIncidentAsCompromised($input: TreatIncidentAsCompromisedInput!) {\n    treatIncidentAsCompromised(input: $input) {\n      sessionsRevoked\n      tokensRevoked\n      incident {\n        ...IncidentDetail\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation TreatIncidentAsCompromised($input: TreatIncidentAsCompromisedInput!) {\n    treatIncidentAsCompromised(input: $input) {\n      sessionsRevoked\n      tokensRevoked\n      incident {\n        ...IncidentDetail\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SessionRow on SessionInfo {\n    id\n    createdAt\n    lastSeenAt\n    ip\n    userAgent\n    current\n    stage\n  }\n"): (typeof documents)["\n  fragment SessionRow on SessionInfo {\n    id\n    createdAt\n    lastSeenAt\n    ip\n    userAgent\n    current\n    stage\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SignInGuard($accountId: ID!) {\n    signInGuard(accountId: $accountId) {\n      failures\n      threshold\n      windowSeconds\n      paused\n    }\n  }\n"): (typeof documents)["\n  query SignInGuard($accountId: ID!) {\n    signInGuard(accountId: $accountId) {\n      failures\n      threshold\n      windowSeconds\n      paused\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResumeSignIns($accountId: ID!) {\n    resumeSignIns(accountId: $accountId) {\n      paused\n    }\n  }\n"): (typeof documents)["\n  mutation ResumeSignIns($accountId: ID!) {\n    resumeSignIns(accountId: $accountId) {\n      paused\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      __typename\n      ... on LoginSuccess {\n        account {\n          id\n        }\n      }\n      ... on SecondFactorRequired {\n        methods\n        expiresAt\n      }\n      ... on TwoFactorEnrollmentRequired {\n        allowedMethods\n        expiresAt\n      }\n      ... on IpBlockedError {\n        until\n      }\n      ... on ErrorResult {\n        code\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation Login($input: LoginInput!) {\n    login(input: $input) {\n      __typename\n      ... on LoginSuccess {\n        account {\n          id\n        }\n      }\n      ... on SecondFactorRequired {\n        methods\n        expiresAt\n      }\n      ... on TwoFactorEnrollmentRequired {\n        allowedMethods\n        expiresAt\n      }\n      ... on IpBlockedError {\n        until\n      }\n      ... on ErrorResult {\n        code\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout {\n    logout\n  }\n"): (typeof documents)["\n  mutation Logout {\n    logout\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id)\n  }\n"): (typeof documents)["\n  mutation RevokeSession($id: ID!) {\n    revokeSession(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Viewer {\n    me {\n      id\n      name\n      email\n      role\n      permissions\n    }\n  }\n"): (typeof documents)["\n  query Viewer {\n    me {\n      id\n      name\n      email\n      role\n      permissions\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AccountTrustedIps($accountId: ID!, $offset: Int!) {\n    trustedIps(accountId: $accountId, page: { limit: 20, offset: $offset }) {\n      totalCount\n      nodes {\n        id\n        cidr\n        note\n        expiresAt\n      }\n    }\n  }\n"): (typeof documents)["\n  query AccountTrustedIps($accountId: ID!, $offset: Int!) {\n    trustedIps(accountId: $accountId, page: { limit: 20, offset: $offset }) {\n      totalCount\n      nodes {\n        id\n        cidr\n        note\n        expiresAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveAccountTrustedIp($id: ID!) {\n    removeTrustedIp(id: $id)\n  }\n"): (typeof documents)["\n  mutation RemoveAccountTrustedIp($id: ID!) {\n    removeTrustedIp(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MarkIpSafe($input: MarkIpSafeInput!) {\n    markIpSafe(input: $input) {\n      __typename\n      ... on TrustedIp {\n        id\n        cidr\n      }\n      ... on ErrorResult {\n        code\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation MarkIpSafe($input: MarkIpSafeInput!) {\n    markIpSafe(input: $input) {\n      __typename\n      ... on TrustedIp {\n        id\n        cidr\n      }\n      ... on ErrorResult {\n        code\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AccountPicker($search: String) {\n    accounts(filter: { search: $search }, page: { limit: 20, offset: 0 }) {\n      nodes {\n        id\n        email\n      }\n    }\n  }\n"): (typeof documents)["\n  query AccountPicker($search: String) {\n    accounts(filter: { search: $search }, page: { limit: 20, offset: 0 }) {\n      nodes {\n        id\n        email\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResetTwoFactor($accountId: ID!) {\n    resetTwoFactor(accountId: $accountId) {\n      __typename\n      ... on TwoFactorResetPending {\n        expiresAt\n        newRequest\n        adminsAsked\n        request {\n          createdAt\n          approvableByYou\n          requestedByYou\n          requestedBy {\n            id\n            email\n          }\n        }\n      }\n      ... on ErrorResult {\n        code\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ResetTwoFactor($accountId: ID!) {\n    resetTwoFactor(accountId: $accountId) {\n      __typename\n      ... on TwoFactorResetPending {\n        expiresAt\n        newRequest\n        adminsAsked\n        request {\n          createdAt\n          approvableByYou\n          requestedByYou\n          requestedBy {\n            id\n            email\n          }\n        }\n      }\n      ... on ErrorResult {\n        code\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetRequiresTwoFactor($accountId: ID!, $required: Boolean!) {\n    setRequiresTwoFactor(accountId: $accountId, required: $required) {\n      requiresTwoFactor\n      account {\n        id\n        requiresTwoFactor\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SetRequiresTwoFactor($accountId: ID!, $required: Boolean!) {\n    setRequiresTwoFactor(accountId: $accountId, required: $required) {\n      requiresTwoFactor\n      account {\n        id\n        requiresTwoFactor\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AccountTwoFactor($accountId: ID!) {\n    accountTwoFactor(accountId: $accountId) {\n      methods\n      recoveryCodesRemaining\n      flaggedKeys\n      required\n      locked\n      systemEnabled\n      resettable\n    }\n  }\n"): (typeof documents)["\n  query AccountTwoFactor($accountId: ID!) {\n    accountTwoFactor(accountId: $accountId) {\n      methods\n      recoveryCodesRemaining\n      flaggedKeys\n      required\n      locked\n      systemEnabled\n      resettable\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UnlockSecondFactor($accountId: ID!) {\n    unlockSecondFactor(accountId: $accountId)\n  }\n"): (typeof documents)["\n  mutation UnlockSecondFactor($accountId: ID!) {\n    unlockSecondFactor(accountId: $accountId)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PendingTwoFactorResets {\n    pendingTwoFactorResets {\n      id\n      createdAt\n      expiresAt\n      approvableByYou\n      target {\n        id\n        email\n      }\n      requestedBy {\n        id\n        email\n      }\n    }\n  }\n"): (typeof documents)["\n  query PendingTwoFactorResets {\n    pendingTwoFactorResets {\n      id\n      createdAt\n      expiresAt\n      approvableByYou\n      target {\n        id\n        email\n      }\n      requestedBy {\n        id\n        email\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ApproveTwoFactorReset($requestId: ID!) {\n    approveTwoFactorReset(requestId: $requestId) {\n      __typename\n      ... on TwoFactorResetDone {\n        account {\n          id\n          email\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ApproveTwoFactorReset($requestId: ID!) {\n    approveTwoFactorReset(requestId: $requestId) {\n      __typename\n      ... on TwoFactorResetDone {\n        account {\n          id\n          email\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WithdrawTwoFactorReset($requestId: ID!) {\n    withdrawTwoFactorReset(requestId: $requestId)\n  }\n"): (typeof documents)["\n  mutation WithdrawTwoFactorReset($requestId: ID!) {\n    withdrawTwoFactorReset(requestId: $requestId)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TwoFactorSettingsPage {\n    twoFactorSettings {\n      enabled\n      issuer\n      allowedMethods\n      requiredForStaff\n      emailForStaff\n    }\n  }\n"): (typeof documents)["\n  query TwoFactorSettingsPage {\n    twoFactorSettings {\n      enabled\n      issuer\n      allowedMethods\n      requiredForStaff\n      emailForStaff\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateTwoFactorSettings($input: TwoFactorSettingsInput!) {\n    updateTwoFactorSettings(input: $input) {\n      enabled\n      issuer\n      allowedMethods\n      requiredForStaff\n      emailForStaff\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateTwoFactorSettings($input: TwoFactorSettingsInput!) {\n    updateTwoFactorSettings(input: $input) {\n      enabled\n      issuer\n      allowedMethods\n      requiredForStaff\n      emailForStaff\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TwoFactorSettingsImpact($input: TwoFactorSettingsInput!) {\n    twoFactorSettingsImpact(input: $input) {\n      accountsNewlyRequired\n      staffNewlyRequired\n      accountsSignedOut\n      sessionsEnded\n      staffLeftWithoutUsableFactor\n      staffWithoutRecoveryCode\n    }\n  }\n"): (typeof documents)["\n  query TwoFactorSettingsImpact($input: TwoFactorSettingsInput!) {\n    twoFactorSettingsImpact(input: $input) {\n      accountsNewlyRequired\n      staffNewlyRequired\n      accountsSignedOut\n      sessionsEnded\n      staffLeftWithoutUsableFactor\n      staffWithoutRecoveryCode\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation VerifySecondFactor($input: SecondFactorInput!) {\n    verifySecondFactor(input: $input) {\n      __typename\n      ... on LoginSuccess {\n        account {\n          id\n        }\n      }\n      ... on TwoFactorError {\n        code\n        reason\n        retryAfter\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation VerifySecondFactor($input: SecondFactorInput!) {\n    verifySecondFactor(input: $input) {\n      __typename\n      ... on LoginSuccess {\n        account {\n          id\n        }\n      }\n      ... on TwoFactorError {\n        code\n        reason\n        retryAfter\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendEmailCode {\n    sendEmailCode {\n      __typename\n      ... on EmailCodeSent {\n        sentAt\n        nextSendAfter\n      }\n      ... on TwoFactorError {\n        code\n        reason\n        retryAfter\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SendEmailCode {\n    sendEmailCode {\n      __typename\n      ... on EmailCodeSent {\n        sentAt\n        nextSendAfter\n      }\n      ... on TwoFactorError {\n        code\n        reason\n        retryAfter\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WebauthnAuthenticationOptions {\n    webauthnAuthenticationOptions\n  }\n"): (typeof documents)["\n  mutation WebauthnAuthenticationOptions {\n    webauthnAuthenticationOptions\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PendingSignIn {\n    pendingSignIn {\n      stage\n      email\n      methods\n      allowedMethods\n      expiresAt\n    }\n  }\n"): (typeof documents)["\n  query PendingSignIn {\n    pendingSignIn {\n      stage\n      email\n      methods\n      allowedMethods\n      expiresAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyTwoFactor {\n    myTwoFactor {\n      enabled\n      systemEnabled\n      methods\n      totpEnabled\n      totpConfirmedAt\n      emailAddress\n      recoveryCodesRemaining\n      allowedMethods\n      required\n      recommendSecondMethod\n      locked\n      webauthnCredentials {\n        id\n        name\n        createdAt\n        lastUsedAt\n        flagged\n        backedUp\n      }\n    }\n  }\n"): (typeof documents)["\n  query MyTwoFactor {\n    myTwoFactor {\n      enabled\n      systemEnabled\n      methods\n      totpEnabled\n      totpConfirmedAt\n      emailAddress\n      recoveryCodesRemaining\n      allowedMethods\n      required\n      recommendSecondMethod\n      locked\n      webauthnCredentials {\n        id\n        name\n        createdAt\n        lastUsedAt\n        flagged\n        backedUp\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartTotpEnrollment {\n    startTotpEnrollment {\n      otpauthUri\n      qrCodeSvg\n      secret\n      expiresAt\n    }\n  }\n"): (typeof documents)["\n  mutation StartTotpEnrollment {\n    startTotpEnrollment {\n      otpauthUri\n      qrCodeSvg\n      secret\n      expiresAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConfirmTotpEnrollment($code: String!) {\n    confirmTotpEnrollment(code: $code) {\n      __typename\n      ... on TwoFactorEnabled {\n        method\n        recoveryCodes\n        signedIn\n      }\n      ... on TwoFactorError {\n        code\n        reason\n        retryAfter\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ConfirmTotpEnrollment($code: String!) {\n    confirmTotpEnrollment(code: $code) {\n      __typename\n      ... on TwoFactorEnabled {\n        method\n        recoveryCodes\n        signedIn\n      }\n      ... on TwoFactorError {\n        code\n        reason\n        retryAfter\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartEmailEnrollment($address: String!) {\n    startEmailEnrollment(address: $address) {\n      __typename\n      ... on EmailCodeSent {\n        sentAt\n        nextSendAfter\n      }\n      ... on TwoFactorError {\n        code\n        reason\n        retryAfter\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation StartEmailEnrollment($address: String!) {\n    startEmailEnrollment(address: $address) {\n      __typename\n      ... on EmailCodeSent {\n        sentAt\n        nextSendAfter\n      }\n      ... on TwoFactorError {\n        code\n        reason\n        retryAfter\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConfirmEmailEnrollment($code: String!) {\n    confirmEmailEnrollment(code: $code) {\n      __typename\n      ... on TwoFactorEnabled {\n        method\n        recoveryCodes\n        signedIn\n      }\n      ... on TwoFactorError {\n        code\n        reason\n        retryAfter\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ConfirmEmailEnrollment($code: String!) {\n    confirmEmailEnrollment(code: $code) {\n      __typename\n      ... on TwoFactorEnabled {\n        method\n        recoveryCodes\n        signedIn\n      }\n      ... on TwoFactorError {\n        code\n        reason\n        retryAfter\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation WebauthnRegistrationOptions($name: String!) {\n    webauthnRegistrationOptions(name: $name)\n  }\n"): (typeof documents)["\n  mutation WebauthnRegistrationOptions($name: String!) {\n    webauthnRegistrationOptions(name: $name)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation FinishWebauthnRegistration($response: JSONObject!) {\n    finishWebauthnRegistration(response: $response) {\n      __typename\n      ... on TwoFactorEnabled {\n        method\n        recoveryCodes\n        signedIn\n      }\n      ... on TwoFactorError {\n        code\n        reason\n        retryAfter\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation FinishWebauthnRegistration($response: JSONObject!) {\n    finishWebauthnRegistration(response: $response) {\n      __typename\n      ... on TwoFactorEnabled {\n        method\n        recoveryCodes\n        signedIn\n      }\n      ... on TwoFactorError {\n        code\n        reason\n        retryAfter\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Reauthenticate($input: ReauthenticateInput!) {\n    reauthenticate(input: $input) {\n      __typename\n      ... on ReauthSuccess {\n        validUntil\n      }\n      ... on TwoFactorError {\n        code\n        reason\n        retryAfter\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation Reauthenticate($input: ReauthenticateInput!) {\n    reauthenticate(input: $input) {\n      __typename\n      ... on ReauthSuccess {\n        validUntil\n      }\n      ... on TwoFactorError {\n        code\n        reason\n        retryAfter\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DisableTotp {\n    disableTotp\n  }\n"): (typeof documents)["\n  mutation DisableTotp {\n    disableTotp\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DisableEmailFactor {\n    disableEmailFactor\n  }\n"): (typeof documents)["\n  mutation DisableEmailFactor {\n    disableEmailFactor\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveWebauthnCredential($id: ID!) {\n    removeWebauthnCredential(id: $id)\n  }\n"): (typeof documents)["\n  mutation RemoveWebauthnCredential($id: ID!) {\n    removeWebauthnCredential(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RenameWebauthnCredential($id: ID!, $name: String!) {\n    renameWebauthnCredential(id: $id, name: $name) {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  mutation RenameWebauthnCredential($id: ID!, $name: String!) {\n    renameWebauthnCredential(id: $id, name: $name) {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation GenerateRecoveryCodes {\n    generateRecoveryCodes {\n      codes\n    }\n  }\n"): (typeof documents)["\n  mutation GenerateRecoveryCodes {\n    generateRecoveryCodes {\n      codes\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AccessListPage($accountId: ID) {\n    adminAccessList(accountId: $accountId) {\n      account {\n        id\n        email\n      }\n      restricted\n      currentIp\n      currentIpListed\n      entries {\n        id\n        cidr\n        label\n        createdAt\n      }\n    }\n    ipRestrictionPreview(accountId: $accountId) {\n      ip\n      count\n      lastAt\n      services\n    }\n  }\n"): (typeof documents)["\n  query AccessListPage($accountId: ID) {\n    adminAccessList(accountId: $accountId) {\n      account {\n        id\n        email\n      }\n      restricted\n      currentIp\n      currentIpListed\n      entries {\n        id\n        cidr\n        label\n        createdAt\n      }\n    }\n    ipRestrictionPreview(accountId: $accountId) {\n      ip\n      count\n      lastAt\n      services\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddAccessEntries($lines: String!, $label: String, $accountId: ID) {\n    addAdminAccessEntries(lines: $lines, label: $label, accountId: $accountId) {\n      restricted\n    }\n  }\n"): (typeof documents)["\n  mutation AddAccessEntries($lines: String!, $label: String, $accountId: ID) {\n    addAdminAccessEntries(lines: $lines, label: $label, accountId: $accountId) {\n      restricted\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveAccessEntry($id: ID!) {\n    removeAdminAccessEntry(id: $id) {\n      restricted\n    }\n  }\n"): (typeof documents)["\n  mutation RemoveAccessEntry($id: ID!) {\n    removeAdminAccessEntry(id: $id) {\n      restricted\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetIpRestriction($restricted: Boolean!, $accountId: ID) {\n    setIpRestriction(restricted: $restricted, accountId: $accountId) {\n      restricted\n    }\n  }\n"): (typeof documents)["\n  mutation SetIpRestriction($restricted: Boolean!, $accountId: ID) {\n    setIpRestriction(restricted: $restricted, accountId: $accountId) {\n      restricted\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AccountPage($id: ID!, $page: PageInput) {\n    account(id: $id) {\n      id\n      email\n      name\n      role\n      disabledAt\n      createdAt\n      lastLoginAt\n      requiresTwoFactor\n    }\n    loginEvents(filter: { accountId: $id }, page: $page) {\n      totalCount\n      nodes {\n        id\n        occurredAt\n        ip\n        service\n        outcome\n        city\n        region\n        countryCode\n        namedLocation\n        asn\n        asnOrg\n        networkKind\n      }\n    }\n  }\n"): (typeof documents)["\n  query AccountPage($id: ID!, $page: PageInput) {\n    account(id: $id) {\n      id\n      email\n      name\n      role\n      disabledAt\n      createdAt\n      lastLoginAt\n      requiresTwoFactor\n    }\n    loginEvents(filter: { accountId: $id }, page: $page) {\n      totalCount\n      nodes {\n        id\n        occurredAt\n        ip\n        service\n        outcome\n        city\n        region\n        countryCode\n        namedLocation\n        asn\n        asnOrg\n        networkKind\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditPage($filter: AuditFilter, $page: PageInput) {\n    auditLog(filter: $filter, page: $page) {\n      totalCount\n      nodes {\n        id\n        occurredAt\n        actorEmail\n        action\n        targetType\n        targetLabel\n        ip\n        details\n      }\n    }\n  }\n"): (typeof documents)["\n  query AuditPage($filter: AuditFilter, $page: PageInput) {\n    auditLog(filter: $filter, page: $page) {\n      totalCount\n      nodes {\n        id\n        occurredAt\n        actorEmail\n        action\n        targetType\n        targetLabel\n        ip\n        details\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CheckIp($ip: String!) {\n    checkIp(ip: $ip) {\n      ip\n      sourcePrefix\n      recentFailures\n      activeBlock {\n        id\n        cidr\n        reason\n        note\n        strike\n        expiresAt\n      }\n      accountsTried {\n        attemptedName\n        failures\n        lastAt\n      }\n      globalSafe {\n        id\n        cidr\n      }\n      trustedBy {\n        accountId\n        email\n        entry {\n          id\n          cidr\n        }\n      }\n      location {\n        city\n        region\n        countryCode\n        asn\n        asnOrg\n        networkKind\n        namedLocation\n      }\n    }\n  }\n"): (typeof documents)["\n  query CheckIp($ip: String!) {\n    checkIp(ip: $ip) {\n      ip\n      sourcePrefix\n      recentFailures\n      activeBlock {\n        id\n        cidr\n        reason\n        note\n        strike\n        expiresAt\n      }\n      accountsTried {\n        attemptedName\n        failures\n        lastAt\n      }\n      globalSafe {\n        id\n        cidr\n      }\n      trustedBy {\n        accountId\n        email\n        entry {\n          id\n          cidr\n        }\n      }\n      location {\n        city\n        region\n        countryCode\n        asn\n        asnOrg\n        networkKind\n        namedLocation\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BlockedIpsPage($activeOnly: Boolean!, $reason: BlockReason, $offset: Int!) {\n    ipBlocks(activeOnly: $activeOnly, reason: $reason, page: { limit: 50, offset: $offset }) {\n      totalCount\n      nodes {\n        id\n        cidr\n        reason\n        note\n        failures\n        strike\n        createdAt\n        expiresAt\n        liftedAt\n      }\n    }\n    bruteForceSettings {\n      ipThreshold\n      accountIpThreshold\n      windowSeconds\n      blockSeconds\n      maxBlockSeconds\n      escalationFactor\n    }\n  }\n"): (typeof documents)["\n  query BlockedIpsPage($activeOnly: Boolean!, $reason: BlockReason, $offset: Int!) {\n    ipBlocks(activeOnly: $activeOnly, reason: $reason, page: { limit: 50, offset: $offset }) {\n      totalCount\n      nodes {\n        id\n        cidr\n        reason\n        note\n        failures\n        strike\n        createdAt\n        expiresAt\n        liftedAt\n      }\n    }\n    bruteForceSettings {\n      ipThreshold\n      accountIpThreshold\n      windowSeconds\n      blockSeconds\n      maxBlockSeconds\n      escalationFactor\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UnblockIp($ip: String!) {\n    unblockIp(ip: $ip) {\n      id\n      liftedAt\n    }\n  }\n"): (typeof documents)["\n  mutation UnblockIp($ip: String!) {\n    unblockIp(ip: $ip) {\n      id\n      liftedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation BlockIp($input: BlockIpInput!) {\n    blockIp(input: $input) {\n      __typename\n      ... on IpBlock {\n        id\n        cidr\n      }\n      ... on ErrorResult {\n        code\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation BlockIp($input: BlockIpInput!) {\n    blockIp(input: $input) {\n      __typename\n      ... on IpBlock {\n        id\n        cidr\n      }\n      ... on ErrorResult {\n        code\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query HomePage {\n    me {\n      id\n      name\n      email\n    }\n    myTwoFactor {\n      enabled\n      allowedMethods\n      recommendSecondMethod\n      recoveryCodesRemaining\n      required\n      totpEnabled\n      emailAddress\n      webauthnCredentials {\n        id\n      }\n    }\n  }\n"): (typeof documents)["\n  query HomePage {\n    me {\n      id\n      name\n      email\n    }\n    myTwoFactor {\n      enabled\n      allowedMethods\n      recommendSecondMethod\n      recoveryCodesRemaining\n      required\n      totpEnabled\n      emailAddress\n      webauthnCredentials {\n        id\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RespondToIncident($token: String!) {\n    respondToIncident(token: $token) {\n      answer\n    }\n  }\n"): (typeof documents)["\n  mutation RespondToIncident($token: String!) {\n    respondToIncident(token: $token) {\n      answer\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendPasswordResetLink($accountId: ID!) {\n    sendPasswordResetLink(accountId: $accountId)\n  }\n"): (typeof documents)["\n  mutation SendPasswordResetLink($accountId: ID!) {\n    sendPasswordResetLink(accountId: $accountId)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query IncidentPage($id: ID!) {\n    securityIncident(id: $id) {\n      ...IncidentDetail\n      logins {\n        id\n        occurredAt\n        ip\n        countryCode\n        region\n        city\n        latitude\n        longitude\n        asn\n        asnOrg\n        networkKind\n        namedLocation\n        service\n        userAgent\n        outcome\n      }\n      legs {\n        fromLoginId\n        toLoginId\n        distanceKm\n        hours\n        speedKmh\n        impossible\n      }\n    }\n  }\n"): (typeof documents)["\n  query IncidentPage($id: ID!) {\n    securityIncident(id: $id) {\n      ...IncidentDetail\n      logins {\n        id\n        occurredAt\n        ip\n        countryCode\n        region\n        city\n        latitude\n        longitude\n        asn\n        asnOrg\n        networkKind\n        namedLocation\n        service\n        userAgent\n        outcome\n      }\n      legs {\n        fromLoginId\n        toLoginId\n        distanceKm\n        hours\n        speedKmh\n        impossible\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query IncidentsPage($filter: IncidentFilterInput, $page: PageInput) {\n    securityIncidents(filter: $filter, page: $page) {\n      totalCount\n      nodes {\n        id\n        status\n        severity\n        reason\n        impossibleTravel\n        loginCount\n        openedAt\n        updatedAt\n        resolution\n        holderResponse\n        account {\n          id\n          email\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query IncidentsPage($filter: IncidentFilterInput, $page: PageInput) {\n    securityIncidents(filter: $filter, page: $page) {\n      totalCount\n      nodes {\n        id\n        status\n        severity\n        reason\n        impossibleTravel\n        loginCount\n        openedAt\n        updatedAt\n        resolution\n        holderResponse\n        account {\n          id\n          email\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query LoginPage {\n    setupStatus {\n      needsSetup\n    }\n    pendingSignIn {\n      stage\n      methods\n    }\n  }\n"): (typeof documents)["\n  query LoginPage {\n    setupStatus {\n      needsSetup\n    }\n    pendingSignIn {\n      stage\n      methods\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyLoginsPage($page: PageInput) {\n    myLoginEvents(page: $page) {\n      totalCount\n      nodes {\n        id\n        occurredAt\n        ip\n        service\n        outcome\n        userAgent\n        city\n        region\n        countryCode\n        namedLocation\n        asn\n        asnOrg\n        networkKind\n      }\n    }\n    myTrustedIps {\n      id\n      cidr\n      note\n      expiresAt\n    }\n  }\n"): (typeof documents)["\n  query MyLoginsPage($page: PageInput) {\n    myLoginEvents(page: $page) {\n      totalCount\n      nodes {\n        id\n        occurredAt\n        ip\n        service\n        outcome\n        userAgent\n        city\n        region\n        countryCode\n        namedLocation\n        asn\n        asnOrg\n        networkKind\n      }\n    }\n    myTrustedIps {\n      id\n      cidr\n      note\n      expiresAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NamedLocationsPage {\n    namedLocations {\n      id\n      cidr\n      name\n      countryCode\n      region\n      city\n      latitude\n      longitude\n      asn\n      asnOrg\n      networkKind\n      trusted\n    }\n  }\n"): (typeof documents)["\n  query NamedLocationsPage {\n    namedLocations {\n      id\n      cidr\n      name\n      countryCode\n      region\n      city\n      latitude\n      longitude\n      asn\n      asnOrg\n      networkKind\n      trusted\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateNamedLocation($input: NamedLocationInput!) {\n    createNamedLocation(input: $input) {\n      __typename\n      ... on NamedLocation {\n        id\n      }\n      ... on ErrorResult {\n        code\n        message\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateNamedLocation($input: NamedLocationInput!) {\n    createNamedLocation(input: $input) {\n      __typename\n      ... on NamedLocation {\n        id\n      }\n      ... on ErrorResult {\n        code\n        message\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AsnKinds {\n    asnNetworkKinds {\n      asn\n      kind\n    }\n  }\n"): (typeof documents)["\n  query AsnKinds {\n    asnNetworkKinds {\n      asn\n      kind\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetAsnKind($asn: Int!, $kind: NetworkKind) {\n    setAsnNetworkKind(asn: $asn, kind: $kind) {\n      asn\n      kind\n    }\n  }\n"): (typeof documents)["\n  mutation SetAsnKind($asn: Int!, $kind: NetworkKind) {\n    setAsnNetworkKind(asn: $asn, kind: $kind) {\n      asn\n      kind\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteNamedLocation($id: ID!) {\n    deleteNamedLocation(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteNamedLocation($id: ID!) {\n    deleteNamedLocation(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OutboxPage {\n    devOutbox(limit: 100) {\n      enabled\n      messages {\n        file\n        to\n        subject\n        date\n        text\n      }\n    }\n  }\n"): (typeof documents)["\n  query OutboxPage {\n    devOutbox(limit: 100) {\n      enabled\n      messages {\n        file\n        to\n        subject\n        date\n        text\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ProtectionSettingsPage {\n    bruteForceSettings {\n      ipThreshold\n      accountIpThreshold\n      windowSeconds\n      blockSeconds\n      maxBlockSeconds\n      escalationFactor\n    }\n    incidentSettings {\n      enabled\n      windowSeconds\n      distanceKm\n      maxSpeedKmh\n      failuresBeforeSuccess\n    }\n  }\n"): (typeof documents)["\n  query ProtectionSettingsPage {\n    bruteForceSettings {\n      ipThreshold\n      accountIpThreshold\n      windowSeconds\n      blockSeconds\n      maxBlockSeconds\n      escalationFactor\n    }\n    incidentSettings {\n      enabled\n      windowSeconds\n      distanceKm\n      maxSpeedKmh\n      failuresBeforeSuccess\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateBruteForceSettings($input: BruteForceSettingsInput!) {\n    updateBruteForceSettings(input: $input) {\n      ipThreshold\n      accountIpThreshold\n      windowSeconds\n      blockSeconds\n      maxBlockSeconds\n      escalationFactor\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateBruteForceSettings($input: BruteForceSettingsInput!) {\n    updateBruteForceSettings(input: $input) {\n      ipThreshold\n      accountIpThreshold\n      windowSeconds\n      blockSeconds\n      maxBlockSeconds\n      escalationFactor\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateIncidentSettings($input: IncidentSettingsInput!) {\n    updateIncidentSettings(input: $input) {\n      enabled\n      windowSeconds\n      distanceKm\n      maxSpeedKmh\n      failuresBeforeSuccess\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateIncidentSettings($input: IncidentSettingsInput!) {\n    updateIncidentSettings(input: $input) {\n      enabled\n      windowSeconds\n      distanceKm\n      maxSpeedKmh\n      failuresBeforeSuccess\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResetPassword($token: String!, $newPassword: String!) {\n    resetPassword(token: $token, newPassword: $newPassword)\n  }\n"): (typeof documents)["\n  mutation ResetPassword($token: String!, $newPassword: String!) {\n    resetPassword(token: $token, newPassword: $newPassword)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SessionsPage {\n    mySessions {\n      id\n      ...SessionRow\n    }\n  }\n"): (typeof documents)["\n  query SessionsPage {\n    mySessions {\n      id\n      ...SessionRow\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SetupPage {\n    setupStatus {\n      needsSetup\n    }\n  }\n"): (typeof documents)["\n  query SetupPage {\n    setupStatus {\n      needsSetup\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SubAdminsPage($offset: Int!) {\n    accounts(filter: { role: SUB_ADMIN }, page: { limit: 50, offset: $offset }) {\n      totalCount\n      nodes {\n        id\n        email\n        name\n        permissions\n        apiOnly\n        ipRestricted\n        disabledAt\n        lastLoginAt\n      }\n    }\n  }\n"): (typeof documents)["\n  query SubAdminsPage($offset: Int!) {\n    accounts(filter: { role: SUB_ADMIN }, page: { limit: 50, offset: $offset }) {\n      totalCount\n      nodes {\n        id\n        email\n        name\n        permissions\n        apiOnly\n        ipRestricted\n        disabledAt\n        lastLoginAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetSubAdminPermissions($id: ID!, $permissions: [Permission!]!) {\n    setPermissions(id: $id, permissions: $permissions) {\n      id\n      permissions\n    }\n  }\n"): (typeof documents)["\n  mutation SetSubAdminPermissions($id: ID!, $permissions: [Permission!]!) {\n    setPermissions(id: $id, permissions: $permissions) {\n      id\n      permissions\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteSubAdmin($id: ID!) {\n    deleteAccount(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteSubAdmin($id: ID!) {\n    deleteAccount(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ApiTokens($accountId: ID!) {\n    apiTokens(accountId: $accountId) {\n      id\n      name\n      prefix\n      createdAt\n      createdByEmail\n      expiresAt\n      lastUsedAt\n      lastUsedIp\n      revokedAt\n    }\n  }\n"): (typeof documents)["\n  query ApiTokens($accountId: ID!) {\n    apiTokens(accountId: $accountId) {\n      id\n      name\n      prefix\n      createdAt\n      createdByEmail\n      expiresAt\n      lastUsedAt\n      lastUsedIp\n      revokedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateApiToken($input: CreateApiTokenInput!) {\n    createApiToken(input: $input) {\n      token\n      apiToken {\n        id\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateApiToken($input: CreateApiTokenInput!) {\n    createApiToken(input: $input) {\n      token\n      apiToken {\n        id\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeApiToken($id: ID!) {\n    revokeApiToken(id: $id) {\n      id\n      revokedAt\n    }\n  }\n"): (typeof documents)["\n  mutation RevokeApiToken($id: ID!) {\n    revokeApiToken(id: $id) {\n      id\n      revokedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TrustedIpsPage($globalOnly: Boolean!, $offset: Int!) {\n    trustedIps(globalOnly: $globalOnly, page: { limit: 50, offset: $offset }) {\n      totalCount\n      nodes {\n        id\n        cidr\n        note\n        expiresAt\n        createdAt\n        account {\n          id\n          email\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query TrustedIpsPage($globalOnly: Boolean!, $offset: Int!) {\n    trustedIps(globalOnly: $globalOnly, page: { limit: 50, offset: $offset }) {\n      totalCount\n      nodes {\n        id\n        cidr\n        note\n        expiresAt\n        createdAt\n        account {\n          id\n          email\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveTrustedIp($id: ID!) {\n    removeTrustedIp(id: $id)\n  }\n"): (typeof documents)["\n  mutation RemoveTrustedIp($id: ID!) {\n    removeTrustedIp(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TwoFactorCompliancePage($without: Boolean, $page: PageInput) {\n    twoFactorCompliance(withoutTwoFactor: $without, page: $page) {\n      total\n      matching\n      withTwoFactor\n      withoutTwoFactor\n      requiredButMissing\n      onlyUnusableMethods\n      cannotSignIn\n      rows {\n        role\n        enabled\n        methods\n        unusableMethods\n        recoveryCodesLeft\n        required\n        lastLoginAt\n        account {\n          id\n          email\n          name\n          disabledAt\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query TwoFactorCompliancePage($without: Boolean, $page: PageInput) {\n    twoFactorCompliance(withoutTwoFactor: $without, page: $page) {\n      total\n      matching\n      withTwoFactor\n      withoutTwoFactor\n      requiredButMissing\n      onlyUnusableMethods\n      cannotSignIn\n      rows {\n        role\n        enabled\n        methods\n        unusableMethods\n        recoveryCodesLeft\n        required\n        lastLoginAt\n        account {\n          id\n          email\n          name\n          disabledAt\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UsersPage($filter: AccountFilter, $page: PageInput) {\n    accounts(filter: $filter, page: $page) {\n      totalCount\n      nodes {\n        id\n        ...AccountRow\n      }\n    }\n  }\n"): (typeof documents)["\n  query UsersPage($filter: AccountFilter, $page: PageInput) {\n    accounts(filter: $filter, page: $page) {\n      totalCount\n      nodes {\n        id\n        ...AccountRow\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;