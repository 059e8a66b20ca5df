import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireScopes, type Principal } from '@cep/auth';
import { HistoryIntegrityService, HistoryQueryService, type HistoryListQuery } from '@cep/history';
import { ApiErrors, ApiQueryFrom, Clock, TenantDatabase, validationFailed } from '@cep/platform';
import { assertSameOrganisation } from '../common/tenant';
import { HistoryListQueryDto } from './history-list-query.dto';
import { HistoryIntegrityDto, HistoryIntegrityQueryDto } from './history-integrity.dto';
import { HistoryDetailDto, HistoryPageDto } from './history-response.dto';
import { mapHistoryDetail, mapHistoryPage } from './history.mapper';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Read-model freshness headers, per organisation: time of the caller's newest projected event and now minus it. */
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

@ApiTags('history')
@Controller('api/history/v1')
export class HistoryController {
  private readonly service: HistoryQueryService;
  private readonly integrityService: HistoryIntegrityService;

  constructor(
    @Inject(TenantDatabase) db: TenantDatabase,
    @Inject(Clock) private readonly clock: Clock,
  ) {
    this.service = new HistoryQueryService(db);
    this.integrityService = new HistoryIntegrityService(db);
  }

  /** History entries of the caller's organisation: `{values, totalPages, totalItems, nextCursor}`, freshness in headers. */
  @Get()
  @RequireScopes('history:read')
  @ApiOperation({ summary: 'List history entries of the caller\'s organisation', description: 'Filters AND-combine; `page` or `cursor` pages. See docs/history.md.' })
  @ApiQueryFrom(HistoryListQueryDto, {
    cursor: '`nextCursor` of the previous page; alternative to `page`',
    organisationId: 'optional; must be the caller\'s organisation (else 403)',
    searchText: 'text to find, in the fields chosen by `searchType` (all when absent)',
  })
  @ApiOkResponse({
    type: HistoryPageDto,
    headers: {
      [FRESHNESS_HEADER]: { description: 'time of the caller\'s organisation\'s newest event the read model has applied (never other tenants\')', schema: { type: 'string', format: 'date-time' } },
      [LAG_HEADER]: { description: 'now minus that time, in ms', schema: { type: 'string' } },
    },
  })
  @ApiErrors(400)
  async list(@CurrentPrincipal() p: Principal, @Query() q: HistoryListQueryDto, @Res({ passthrough: true }) res: { setHeader(name: string, value: string): unknown }) {
    assertSameOrganisation(p, q.organisationId);
    if (q.cursor && q.page > 0) {
      throw validationFailed([{ value: q.page, msg: 'page and cursor are alternatives; send one', param: 'page', location: 'query' }]);
    }
    const [page, fresh] = await Promise.all([
      this.service.list(toHistoryListQuery(p.organisationId, q)),
      this.service.freshness(p.organisationId, this.clock.now()),
    ]);
    if (fresh.newestEventTime) {
      res.setHeader(FRESHNESS_HEADER, fresh.newestEventTime.toISOString());
      res.setHeader(LAG_HEADER, String(fresh.lagMs));
    }
    return mapHistoryPage(page);
  }

  /** Verifies the caller's organisation's tamper-evident history over a range (declared before `:id`). */
  @Get('integrity')
  @RequireScopes('history:read')
  @ApiOperation({
    summary: 'Verify the tamper-evident history of the caller\'s organisation',
    description:
      'Re-hashes every entry of the range, re-chains the links and checks the signed checkpoints; names the first broken link. See docs/privacy.md "Tamper-evident history".',
  })
  @ApiQueryFrom(HistoryIntegrityQueryDto, {
    from: 'links that joined the chain at or after this time (ISO 8601)',
    to: 'links that joined the chain at or before this time (ISO 8601)',
    after: '`nextAfter` of the previous answer',
    limit: 'links per call (at most 100000)',
  })
  @ApiOkResponse({ type: HistoryIntegrityDto })
  @ApiErrors(400)
  async integrity(@CurrentPrincipal() p: Principal, @Query() q: HistoryIntegrityQueryDto): Promise<HistoryIntegrityDto> {
    const from = q.from ? new Date(q.from) : undefined;
    const to = q.to ? new Date(q.to) : undefined;
    if (from && to && from > to) throw validationFailed([{ value: q.to, msg: 'to must not be before from', param: 'to', location: 'query' }]);
    return this.integrityService.verify({ organisationId: p.organisationId, from, to, after: q.after, limit: q.limit });
  }

  /** One entry including `metadata`; 404 for unknown ids and for entries of other organisations. */
  @Get(':id')
  @RequireScopes('history:read')
  @ApiOperation({ summary: 'One history entry with its metadata' })
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid' } })
  @ApiOkResponse({ type: HistoryDetailDto })
  @ApiErrors(400, 404)
  async get(@CurrentPrincipal() p: Principal, @Param('id') id: string): Promise<HistoryDetailDto> {
    if (!UUID.test(id)) throw validationFailed([{ value: id, msg: 'id must be a UUID', param: 'id', location: 'params' }]);
    return mapHistoryDetail(await this.service.get(p.organisationId, id.toLowerCase()));
  }
}
