import { graphql } from '../../__generated__';

export const OpenIncidentCountDocument = graphql(`
  query OpenIncidentCount {
    openIncidentCount
  }
`);

export const IncidentEventsDocument = graphql(`
  subscription IncidentEvents {
    incidentEvents {
      kind
      incidentId
      accountEmail
      severity
      status
      openIncidents
      occurredAt
    }
  }
`);

export const IncidentDetailFragment = graphql(`
  fragment IncidentDetail on SecurityIncident {
    id
    status
    severity
    reason
    impossibleTravel
    evidence
    loginCount
    openedAt
    updatedAt
    resolvedAt
    resolution
    resolutionNote
    holderResponse
    holderRespondedAt
    account {
      id
      email
      name
      passwordResetRequired
      disabledAt
    }
    resolvedBy {
      id
      email
    }
  }
`);

export const MarkIncidentIpsSafeDocument = graphql(`
  mutation MarkIncidentIpsSafe($input: MarkIncidentIpsSafeInput!) {
    markIncidentIpsSafe(input: $input) {
      ...IncidentDetail
    }
  }
`);

export const DismissIncidentDocument = graphql(`
  mutation DismissIncident($input: DismissIncidentInput!) {
    dismissIncident(input: $input) {
      ...IncidentDetail
    }
  }
`);

export const TreatIncidentAsCompromisedDocument = graphql(`
  mutation TreatIncidentAsCompromised($input: TreatIncidentAsCompromisedInput!) {
    treatIncidentAsCompromised(input: $input) {
      sessionsRevoked
      tokensRevoked
      incident {
        ...IncidentDetail
      }
    }
  }
`);
