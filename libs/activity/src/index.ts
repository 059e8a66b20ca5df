export * from './activity.projection';
export * from './activity.errors';
export * from './activity-cursor';
export * from './activity-query.service';
export * from './migrations/1732000040000-activity-read-model';
export * from './migrations/1732000041000-activity-stats-counters';
export * from './migrations/1732000110300-activity-row-level-security';
