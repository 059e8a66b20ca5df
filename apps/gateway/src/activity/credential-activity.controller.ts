import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ActivityQueryService } from '@cep/activity';
import { CurrentPrincipal, RequireScopes, type Principal } from '@cep/auth';
import { ActivityIdParamDto } from './activity-id-param.dto';
import { ActivityListQueryDto } from './activity-list-query.dto';
import { ActivityStatsQueryDto } from './activity-stats-query.dto';
import { ApiErrors, ApiQueryFrom, TenantDatabase, validationFailed } from '@cep/platform';
import { ActivityPageDto, ActivityStatsDto, CredentialActivityDto } from './activity-response.dto';
import { mapActivityChain, mapActivityPage, mapActivityStats, mapCredentialActivity } from './activity.mapper';

/**
 * Credential activity (seed 002). Everything is scoped to the caller's organisation (from the token): the
 * issuing organisation sees every event of the issuances it sent, including claims made by recipients.
 */
@ApiTags('activity')
@Controller('v1/activity/credentials')
@RequireScopes('activity:read')
export class CredentialActivityController {
  private readonly service: ActivityQueryService;

  constructor(@Inject(TenantDatabase) db: TenantDatabase) {
    this.service = new ActivityQueryService(db);
  }

  @Get()
  @ApiOperation({ summary: 'Credential activity records, newest first (`cursor`) or oldest first after a position (`after`)' })
  @ApiQueryFrom(ActivityListQueryDto, {
    cursor: 'newest-first mode: `cursor` of the previous page',
    after: 'polling mode: `0` for the beginning, then the previous response\'s `cursor`; records oldest first',
    startDate: 'inclusive lower bound on the record time (ISO 8601)',
    endDate: 'inclusive upper bound on the record time (ISO 8601)',
  })
  @ApiOkResponse({ type: ActivityPageDto })
  @ApiErrors(400)
  async list(@CurrentPrincipal() p: Principal, @Query() q: ActivityListQueryDto): Promise<ActivityPageDto> {
    if (q.cursor !== undefined && q.after !== undefined) {
      throw validationFailed([{ value: q.after, msg: 'use either cursor or after, not both', param: 'after', location: 'query' }]);
    }
    return mapActivityPage(await this.service.list({ organisationId: p.organisationId, ...q }));
  }

  @Get('stats')
  @ApiOperation({ summary: 'Counts per state, claim rate and time to claim over the filtered issuances' })
  @ApiQueryFrom(ActivityStatsQueryDto, { boostUris: '`boostUris[]=a&boostUris[]=b`, or `boostUris=a` repeated' })
  @ApiOkResponse({ type: ActivityStatsDto })
  @ApiErrors(400)
  async stats(@CurrentPrincipal() p: Principal, @Query() q: ActivityStatsQueryDto): Promise<ActivityStatsDto> {
    return mapActivityStats(await this.service.stats({ organisationId: p.organisationId, ...q }));
  }

  @Get(':activityId')
  @ApiOperation({ summary: 'The latest event of an issuance' })
  @ApiParam({ name: 'activityId', schema: { type: 'string', format: 'uuid' } })
  @ApiOkResponse({ type: CredentialActivityDto })
  @ApiErrors(400, 404)
  async get(@CurrentPrincipal() p: Principal, @Param() params: ActivityIdParamDto): Promise<CredentialActivityDto> {
    return mapCredentialActivity(await this.service.get(p.organisationId, params.activityId.toLowerCase()));
  }

  @Get(':activityId/chain')
  @ApiOperation({ summary: 'Every event of an issuance, oldest first' })
  @ApiParam({ name: 'activityId', schema: { type: 'string', format: 'uuid' } })
  @ApiOkResponse({ type: [CredentialActivityDto] })
  @ApiErrors(400, 404)
  async chain(@CurrentPrincipal() p: Principal, @Param() params: ActivityIdParamDto): Promise<CredentialActivityDto[]> {
    return mapActivityChain(await this.service.chain(p.organisationId, params.activityId.toLowerCase()));
  }
}
