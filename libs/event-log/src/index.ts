export * from './event-log.projection';
export * from './event-log-filter';
export * from './event-log.errors';
export * from './event-log-cursor';
export * from './event-log-query.service';
export * from './published-order';
export * from './migrations/1732000050000-event-log';

/** Postgres NOTIFY channel the event-log trigger signals (payload: organisation id). */
export const EVENT_LOG_CHANNEL = 'event_log_events';
export * from './migrations/1732000110400-event-log-row-level-security';
