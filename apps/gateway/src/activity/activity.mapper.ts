import type { ActivityPage, ActivityStats, CredentialActivity } from '@cep/activity';
import { ActivityPageDto, ActivityStatsDto, CredentialActivityDto, TimeToClaimDto } from './activity-response.dto';

/** Read model → response bodies of the credential activity API. Optional fields are omitted, never null. */
export function mapCredentialActivity(r: CredentialActivity): CredentialActivityDto {
  const dto = Object.assign(new CredentialActivityDto(), {
    id: r.id,
    activityId: r.activityId,
    eventType: r.eventType,
    timestamp: r.timestamp,
    actorProfileId: r.actorProfileId,
    recipientType: r.recipientType,
    recipientIdentifier: r.recipientIdentifier,
    source: r.source,
  });
  if (r.boostUri !== undefined) dto.boostUri = r.boostUri;
  if (r.credentialUri !== undefined) dto.credentialUri = r.credentialUri;
  if (r.inboxCredentialId !== undefined) dto.inboxCredentialId = r.inboxCredentialId;
  if (r.integrationId !== undefined) dto.integrationId = r.integrationId;
  if (r.metadata !== undefined) dto.metadata = r.metadata;
  return dto;
}

export function mapActivityPage(p: ActivityPage): ActivityPageDto {
  return Object.assign(new ActivityPageDto(), { records: p.records.map(mapCredentialActivity), hasMore: p.hasMore, cursor: p.cursor });
}

export function mapActivityChain(records: CredentialActivity[]): CredentialActivityDto[] {
  return records.map(mapCredentialActivity);
}

export function mapActivityStats(s: ActivityStats): ActivityStatsDto {
  return Object.assign(new ActivityStatsDto(), {
    total: s.total,
    totalEvents: s.totalEvents,
    created: s.created,
    delivered: s.delivered,
    claimed: s.claimed,
    expired: s.expired,
    failed: s.failed,
    claimRate: s.claimRate,
    timeToClaim: Object.assign(new TimeToClaimDto(), { count: s.timeToClaim.count, medianMs: s.timeToClaim.medianMs, p90Ms: s.timeToClaim.p90Ms }),
  });
}
