import { HISTORY_ACTIONS, HISTORY_ENTITY_TYPES, HISTORY_SOURCES } from '@cep/contracts';

/**
 * Entity types of history entries: the catalogue's types (seed 003 "What's recorded") plus the verification and
 * issuance sessions (issue 5), which the catalogue leaves to the event log but history records as well.
 */
export const HISTORY_SESSION_ENTITY_TYPES = ['VERIFICATION_SESSION', 'ISSUANCE_SESSION'] as const;
export const HISTORY_ENTRY_ENTITY_TYPES = [...HISTORY_ENTITY_TYPES, ...HISTORY_SESSION_ENTITY_TYPES] as const;
export type HistoryEntryEntityType = (typeof HISTORY_ENTRY_ENTITY_TYPES)[number];

export const HISTORY_ENTRY_ACTIONS = HISTORY_ACTIONS;
export const HISTORY_ENTRY_SOURCES = HISTORY_SOURCES;

/** `searchType` values (seed 003 "By string") and the tag each is stored under in `history.entries.search`. */
export const SEARCH_TYPES = {
  claimName: 'cn',
  claimValue: 'cv',
  credentialSchemaName: 'csn',
  issuerDid: 'idid',
  issuerName: 'iname',
  verifierDid: 'vdid',
  verifierName: 'vname',
  proofSchemaName: 'psn',
} as const;
export type SearchType = keyof typeof SEARCH_TYPES;
export const SEARCH_TYPE_NAMES = Object.keys(SEARCH_TYPES) as SearchType[];
/** Tags whose segments are claim data (purged by `proof.claims-removed`). */
export const CLAIM_TAGS: ReadonlySet<string> = new Set([SEARCH_TYPES.claimName, SEARCH_TYPES.claimValue]);

/** Separator in front of every search segment (`\x1f<tag>:<value>`); never part of a stored value. */
export const SEGMENT_SEPARATOR = '\x1f';
/** Longest value prefix kept searchable per segment (claim values may be 4 KiB). */
export const MAX_SEGMENT_VALUE_LENGTH = 256;

export const HISTORY_SORT_FIELDS = ['createdDate', 'action', 'entityType', 'source', 'organisationId'] as const;
export type HistorySortField = (typeof HISTORY_SORT_FIELDS)[number];
export const SORT_DIRECTIONS = ['ASC', 'DESC'] as const;
export type SortDirection = (typeof SORT_DIRECTIONS)[number];

/** One history entry as the API returns it (list); the detail adds `metadata`. */
export interface HistoryListItem {
  id: string;
  createdDate: string;
  action: string;
  entityId: string;
  entityType: string;
  organisationId: string;
  name: string | null;
  source: string;
  target: string | null;
}

export interface HistoryDetail extends HistoryListItem {
  metadata: Record<string, unknown>;
}
