import type {
  HolderResponse,
  IncidentResolution,
  IncidentSeverity,
  IncidentStatus,
  LikelyReason,
} from '../../__generated__/graphql';

export const REASON_LABELS: Record<LikelyReason, string> = {
  COMPROMISED: 'Compromised account',
  THIRD_PARTY_APPLICATION: 'Third-party application',
  MOBILE_CONNECTION: 'Mobile connection',
  TRAVELLING: 'Travelling',
  UNKNOWN: 'Unknown',
};

export const SEVERITY_COLORS: Record<IncidentSeverity, string> = {
  LOW: 'gray',
  MEDIUM: 'yellow',
  HIGH: 'orange',
  CRITICAL: 'red',
};

export const SEVERITY_LABELS: Record<IncidentSeverity, string> = {
  LOW: 'Low',
  MEDIUM: 'Medium',
  HIGH: 'High',
  CRITICAL: 'Critical',
};

export const STATUS_LABELS: Record<IncidentStatus, string> = { OPEN: 'Open', RESOLVED: 'Resolved' };

export const RESOLUTION_LABELS: Record<IncidentResolution, string> = {
  MARKED_SAFE: 'IPs marked safe',
  DISMISSED: 'Dismissed',
  COMPROMISED: 'Treated as compromised',
};

export const HOLDER_LABELS: Record<HolderResponse, string> = {
  CONFIRMED: 'Account holder: “It was me”',
  DENIED: 'Account holder: “This wasn’t me”',
};
