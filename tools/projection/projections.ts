import { activityProjection } from '@cep/activity';
import { eventLogProjection } from '@cep/event-log';
import { historyProjection } from '@cep/history';
import { reportProjection } from '@cep/reports';
import type { RebuildTarget } from './projection-rebuild';

/** The read models that can be rebuilt: projection, the schema that holds them, the live consumer group. */
export const REBUILD_TARGETS: Record<string, RebuildTarget> = {
  history: { projection: historyProjection, schema: 'history', groupId: 'cep.history-projector' },
  // feed_position: the next commit-ordered position of the polling feed (continues, so positions stay monotonic).
  activity: { projection: activityProjection, schema: 'activity', groupId: 'cep.activity-projector', copyData: ['feed_position'] },
  reports: { projection: reportProjection, schema: 'reports', groupId: 'cep.report-projector' },
  'event-log': { projection: eventLogProjection, schema: 'event_log', groupId: 'cep.event-log-projector' },
};
