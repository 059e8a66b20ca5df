import type { HistoryDetail, HistoryListItem, HistoryPage } from '@cep/history';
import { HistoryDetailDto, HistoryEntryDto, HistoryPageDto } from './history-response.dto';

/** Read model → response bodies of the history API. The only place that decides what a response holds. */
export function mapHistoryEntry(e: HistoryListItem): HistoryEntryDto {
  return Object.assign(new HistoryEntryDto(), {
    id: e.id,
    createdDate: e.createdDate,
    action: e.action,
    entityId: e.entityId,
    entityType: e.entityType,
    organisationId: e.organisationId,
    name: e.name,
    source: e.source,
    target: e.target,
  });
}

export function mapHistoryDetail(e: HistoryDetail): HistoryDetailDto {
  return Object.assign(new HistoryDetailDto(), mapHistoryEntry(e), { metadata: e.metadata });
}

export function mapHistoryPage(p: HistoryPage): HistoryPageDto {
  const page = Object.assign(new HistoryPageDto(), {
    values: p.values.map(mapHistoryEntry),
    totalItems: p.totalItems,
    totalPages: p.totalPages,
  });
  if (p.totalItemsCapped) page.totalItemsCapped = true;
  page.nextCursor = p.nextCursor;
  return page;
}
