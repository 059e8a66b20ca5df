import { Controller, Get, Inject, Query } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CurrentPrincipal, RequireScopes, type Principal } from '@cep/auth';
import { HistoryQueryService } from '@cep/history';
import { assertSameOrganisation } from '../common/tenant';
import { HistoryListQueryDto } from './history-list-query.dto';

@Controller('api/history/v1')
export class HistoryController {
  private readonly service: HistoryQueryService;

  constructor(@Inject(DataSource) ds: DataSource) {
    this.service = new HistoryQueryService(ds);
  }

  @Get()
  @RequireScopes('history:read')
  list(@CurrentPrincipal() p: Principal, @Query() q: HistoryListQueryDto) {
    assertSameOrganisation(p, q.organisationId);
    return this.service.list({ organisationId: p.organisationId, page: q.page, pageSize: q.pageSize, entityId: q.entityId, action: q.action });
  }
}
