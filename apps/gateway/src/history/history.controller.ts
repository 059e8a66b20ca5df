import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CurrentPrincipal, RequireScopes, type Principal } from '@cep/auth';
import { HistoryQueryService, type HistoryDetail, type HistoryListQuery } from '@cep/history';
import { Clock, validationFailed } from '@cep/platform';
import { assertSameOrganisation } from '../common/tenant';
import { HistoryListQueryDto } from './history-list-query.dto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Read-model freshness headers: time of the newest projected event and now minus it. */
export const FRESHNESS_HEADER = 'X-History-Newest-Event-Time';
export const LAG_HEADER = 'X-History-Lag-Ms';

function concat<T>(...xs: (T | T[] | undefined)[]): T[] | undefined {
  const out = xs.flatMap((x) => (x === undefined ? [] : Array.isArray(x) ? x : [x]));
  return out.length ? [...new Set(out)] : undefined;
}

const later = (a?: string, b?: string) => (a && b ? (Date.parse(a) >= Date.parse(b) ? a : b) : (a ?? b));
const earlier = (a?: string, b?: string) => (a && b ? (Date.parse(a) <= Date.parse(b) ? a : b) : (a ?? b));

/** Maps the DTO (seed names, aliases) to the query service's filter. Pure. */
export function toHistoryListQuery(organisationId: string, q: HistoryListQueryDto): HistoryListQuery {
  const from = later(q.createdDateFrom, q.createdDateAfter);
  const to = earlier(q.createdDateTo, q.createdDateBefore);
  return {
    organisationId,
    page: q.page,
    pageSize: q.pageSize,
    cursor: q.cursor,
    sort: q.sort,
    sortDirection: q.sortDirection,
    createdDateFrom: from ? new Date(from) : undefined,
    createdDateTo: to ? new Date(to) : undefined,
    actions: concat(q.action, q.actions),
    entityTypes: concat(q.entityType, q.entityTypes),
    entityIds: concat(q.entityId, q.entityIds)?.map((x) => x.toLowerCase()),
    sources: concat(q.source, q.sources),
    relatedIds: concat(q.credentialSchemaId, q.proofSchemaId, q.didId, q.identifierId, q.credentialId, q.proofId, q.providerId)?.map((x) =>
      x.toLowerCase(),
    ),
    searchText: q.searchText,
    searchType: q.searchType,
  };
}

@Controller('api/history/v1')
export class HistoryController {
  private readonly service: HistoryQueryService;

  constructor(
    @Inject(DataSource) ds: DataSource,
    @Inject(Clock) private readonly clock: Clock,
  ) {
    this.service = new HistoryQueryService(ds);
  }

  /** History entries of the caller's organisation: `{values, totalPages, totalItems, nextCursor}`, freshness in headers. */
  @Get()
  @RequireScopes('history:read')
  async list(@CurrentPrincipal() p: Principal, @Query() q: HistoryListQueryDto, @Res({ passthrough: true }) res: { setHeader(name: string, value: string): unknown }) {
    assertSameOrganisation(p, q.organisationId);
    if (q.cursor && q.page > 0) {
      throw validationFailed([{ value: q.page, msg: 'page and cursor are alternatives; send one', param: 'page', location: 'query' }]);
    }
    const [page, fresh] = await Promise.all([
      this.service.list(toHistoryListQuery(p.organisationId, q)),
      this.service.freshness(this.clock.now()),
    ]);
    if (fresh.newestEventTime) {
      res.setHeader(FRESHNESS_HEADER, fresh.newestEventTime.toISOString());
      res.setHeader(LAG_HEADER, String(fresh.lagMs));
    }
    return page;
  }

  /** One entry including `metadata`; 404 for unknown ids and for entries of other organisations. */
  @Get(':id')
  @RequireScopes('history:read')
  async get(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<HistoryDetail> {
    if (!UUID.test(id)) throw validationFailed([{ value: id, msg: 'id must be a UUID', param: 'id', location: 'params' }]);
    return this.service.get(p.organisationId, id.toLowerCase());
  }
}
