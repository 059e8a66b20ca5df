import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ActivityQueryService } from '@cep/activity';
import { CurrentPrincipal, RequireScopes, type Principal } from '@cep/auth';
import { ActivityIdParamDto } from './activity-id-param.dto';
import { ActivityListQueryDto } from './activity-list-query.dto';
import { ActivityStatsQueryDto } from './activity-stats-query.dto';
import { validationFailed } from '@cep/platform';

/**
 * Credential activity (seed 002). Everything is scoped to the caller's organisation (from the token): the
 * issuing organisation sees every event of the issuances it sent, including claims made by recipients.
 */
@Controller('v1/activity/credentials')
@RequireScopes('activity:read')
export class CredentialActivityController {
  private readonly service: ActivityQueryService;

  constructor(@Inject(DataSource) ds: DataSource) {
    this.service = new ActivityQueryService(ds);
  }

  @Get()
  list(@CurrentPrincipal() p: Principal, @Query() q: ActivityListQueryDto) {
    if (q.cursor !== undefined && q.after !== undefined) {
      throw validationFailed([{ value: q.after, msg: 'use either cursor or after, not both', param: 'after', location: 'query' }]);
    }
    return this.service.list({ organisationId: p.organisationId, ...q });
  }

  @Get('stats')
  stats(@CurrentPrincipal() p: Principal, @Query() q: ActivityStatsQueryDto) {
    return this.service.stats({ organisationId: p.organisationId, ...q });
  }

  @Get(':activityId')
  get(@CurrentPrincipal() p: Principal, @Param() params: ActivityIdParamDto) {
    return this.service.get(p.organisationId, params.activityId.toLowerCase());
  }

  @Get(':activityId/chain')
  chain(@CurrentPrincipal() p: Principal, @Param() params: ActivityIdParamDto) {
    return this.service.chain(p.organisationId, params.activityId.toLowerCase());
  }
}
