export * from './report.model';
export * from './report.errors';
export * from './report-time';
export * from './report-cursor';
export * from './report.projection';
export * from './report-query.service';
export * from './migrations/1732000030000-report-daily-counts';
export * from './report.test-support';
