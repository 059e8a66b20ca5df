export * from './analytics-roles';
export * from './migrations/1732000140000-analytics-v1';
