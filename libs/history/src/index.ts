export * from './history-entry';
export * from './history-entry.mapper';
export * from './history.projection';
export * from './history-query.service';
export * from './history.errors';
export * from './history-cursor';
export * from './migrations/1732000001000-history-entries';
export * from './migrations/1732000002000-history-search-columns-related-counts';
