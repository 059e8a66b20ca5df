export * from './history.projection';
export * from './history-query.service';
export * from './migrations/1732000001000-history-entries';
