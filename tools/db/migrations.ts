import type { MigrationInterface } from 'typeorm';
import { DeadLetterPublished1732000080000, GatewayReadRole1732000110000, ProjectionRebuilds1732000070000, ProjectionRuntime1732000000000 } from '@cep/messaging';
import {
  HistoryEntries1732000001000,
  HistoryRowLevelSecurity1732000110100,
  HistorySearchColumnsRelatedCounts1732000002000,
  HistoryTenantEntriesView1732000150000,
  HistoryChain1732000160000,
} from '@cep/history';
import { ReportDailyCounts1732000030000, ReportRowLevelSecurity1732000110200 } from '@cep/reports';
import { EventLog1732000050000, EventLogRowLevelSecurity1732000110400 } from '@cep/event-log';
import { ActivityReadModel1732000040000, ActivityRowLevelSecurity1732000110300, ActivityStatsCounters1732000041000 } from '@cep/activity';
import { OutboxTraceparent1732000120000 } from '@cep/messaging';
import { AnalyticsV11732000140000 } from '@cep/analytics';
import { ProducerStores1732000000100 } from './producer-stores.migration';
import { IssuerOfferDeadlines1732000010000 } from '../../apps/issuer/src/migrations/1732000010000-offer-deadlines';
import { TenantScopedStreams1732000095000 } from './tenant-scoped-streams.migration';
import { MigrationsTableReadable1732000130000 } from './migrations-table-readable.migration';
import { IssuerOfferCodes1732000096000 } from '../../apps/issuer/src/migrations/1732000096000-offer-codes';

/**
 * Every migration of the platform, in order. Each lib owns its migrations; this list is the one place
 * that runs them (`npm run db:migrate`, the Kubernetes migration Job, the test global setup).
 */
export const ALL_MIGRATIONS: (new () => MigrationInterface)[] = [
  ProjectionRuntime1732000000000,
  ProjectionRebuilds1732000070000,
  DeadLetterPublished1732000080000,
  ProducerStores1732000000100,
  IssuerOfferDeadlines1732000010000,
  HistoryEntries1732000001000,
  HistorySearchColumnsRelatedCounts1732000002000,
  ReportDailyCounts1732000030000,
  EventLog1732000050000,
  ActivityReadModel1732000040000,
  ActivityStatsCounters1732000041000,
  TenantScopedStreams1732000095000,
  IssuerOfferCodes1732000096000,
  // Row-level security on the read models (the gateway's role + one policy per tenant table).
  GatewayReadRole1732000110000,
  HistoryRowLevelSecurity1732000110100,
  ReportRowLevelSecurity1732000110200,
  ActivityRowLevelSecurity1732000110300,
  EventLogRowLevelSecurity1732000110400,
  // W3C traceparent of the span that wrote each producer outbox row (tracing across Kafka).
  OutboxTraceparent1732000120000,
  // The migrations table readable by every app's role (the readiness `schema` check).
  MigrationsTableReadable1732000130000,
  // The analytics schema v1 for BI tools: views/functions, cep_analyst, logins bound to one organisation (docs/analytics.md).
  AnalyticsV11732000140000,
  // history.tenant_entries: the owner's view the text search and relation filters read under RLS (their indexes apply).
  HistoryTenantEntriesView1732000150000,
  // history.chain*: the tamper-evident history (hash chain per organisation, signed checkpoints; docs/privacy.md).
  HistoryChain1732000160000,
];
