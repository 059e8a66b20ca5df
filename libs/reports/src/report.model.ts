import { PROFILES } from '@cep/contracts';

/** Report operations, as the seed names them. */
export const REPORT_OPERATIONS = ['issued', 'status_changed'] as const;
export type ReportOperation = (typeof REPORT_OPERATIONS)[number];

/** Which credential events count, and as what. */
export const OPERATION_BY_EVENT_TYPE: Readonly<Record<string, ReportOperation>> = {
  'credential.accepted': 'issued',
  'credential.revoked': 'status_changed',
  'credential.suspended': 'status_changed',
  'credential.reactivated': 'status_changed',
};

/**
 * `credentialType` is reported for `issued` and omitted for `status_changed` (the seed's example):
 * status changes are counted per profile across credential types. Stored as '' in the read model.
 */
export function reportedCredentialType(op: ReportOperation, credentialType: string | undefined): string {
  return op === 'issued' ? (credentialType ?? '') : '';
}

export const REPORT_PROFILES = PROFILES;

/** Bucket width: every current UTC offset is a multiple of 15 minutes (+05:45, +12:45, -09:30). */
export const BUCKET_MINUTES = 15;
export const BUCKET_MS = BUCKET_MINUTES * 60_000;
export const DAY_MS = 86_400_000;
export const BUCKETS_PER_DAY = DAY_MS / BUCKET_MS; // 96

/** Documented limits of the report API. */
export const REPORT_LIMITS = {
  /** Longest inclusive range: a whole calendar year, leap years included. */
  maxRangeDays: 366,
  defaultLimit: 1000,
  maxLimit: 10_000,
  /** Offsets accepted by `timezoneOffset`: -14:00 .. +14:00 (the real-world range is -12:00 .. +14:00). */
  maxOffsetMinutes: 14 * 60,
} as const;

export interface ReportEntry {
  date: string;
  operation: ReportOperation;
  profile: string;
  credentialType?: string;
  count: number;
}

export interface ReportPage {
  data: ReportEntry[];
  nextCursor?: string;
}
