import { Body, Controller, Headers, HttpCode, Inject, Post, Res } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { CurrentPrincipal, RequireScopes, type Principal } from '@cep/auth';
import { ApiErrors } from '@cep/platform';
import { ReportQueryService, reportToCsv } from '@cep/reports';
import { assertSameOrganisation } from '../common/tenant';
import { CredentialReportRequestDto } from './credential-report-request.dto';
import { CREDENTIAL_REPORT_EXAMPLE, CredentialReportPageDto } from './credential-report-response.dto';
import { mapReportPage } from './credential-report.mapper';

const CSV_EXAMPLE = 'date,operation,profile,credentialType,count\r\n2026-02-26,issued,cwt,VerifiedEmployee,12\r\n2026-02-25,status_changed,cwt,,2\r\n';

/** Daily credential reports (seed 000): counts of issued / status_changed per local date, profile and type. */
@ApiTags('reports')
@ApiExtraModels(CredentialReportPageDto)
@Controller('v1/events/credential-reports')
export class CredentialReportController {
  constructor(@Inject(ReportQueryService) private readonly reports: ReportQueryService) {}

  @Post()
  @HttpCode(200)
  @RequireScopes('reports:read')
  @ApiOperation({
    summary: 'Daily counts of issued and status-changed credentials per local date, profile and credential type',
    description: 'JSON by default; CSV with `format: "csv"` or `Accept: text/csv` (then `X-Next-Cursor` carries the cursor). See docs/reports.md.',
  })
  @ApiBody({
    type: CredentialReportRequestDto,
    examples: {
      offset: { summary: 'fixed offset', value: { timezoneOffset: '+02:00', startDate: '2026-02-01', endDate: '2026-02-28', profiles: ['cwt', 'mdoc'], limit: 500 } },
      zone: { summary: 'IANA zone', value: { timeZone: 'Europe/Berlin', startDate: '2026-03-01', endDate: '2026-03-31', profiles: ['sd-jwt-vc'] } },
    },
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({
    description: 'the report page',
    headers: { 'X-Next-Cursor': { description: 'CSV only: the next page\'s cursor', schema: { type: 'string' } } },
    content: {
      'application/json': { schema: { $ref: getSchemaPath(CredentialReportPageDto) }, example: CREDENTIAL_REPORT_EXAMPLE },
      'text/csv': { schema: { type: 'string' }, example: CSV_EXAMPLE },
    },
  })
  @ApiErrors(400)
  async create(
    @CurrentPrincipal() p: Principal,
    @Body() body: CredentialReportRequestDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) res: HeaderSink,
  ): Promise<CredentialReportPageDto | string> {
    assertSameOrganisation(p, body.organisationId);
    const page = await this.reports.report({
        organisationId: p.organisationId,
        timezoneOffset: body.timezoneOffset,
        timeZone: body.timeZone,
        startDate: body.startDate,
        endDate: body.endDate,
        profiles: body.profiles,
        limit: body.limit,
        cursor: body.cursor,
      });
    if (body.format === 'csv' || (body.format === undefined && wantsCsv(accept))) {
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="credential-report-${body.startDate}-${body.endDate}.csv"`);
      if (page.nextCursor) res.setHeader('X-Next-Cursor', page.nextCursor);
      return reportToCsv(page.data);
    }
    return mapReportPage(page);
  }
}

/** The part of the Express response the controller uses. */
interface HeaderSink {
  setHeader(name: string, value: string): unknown;
}

function wantsCsv(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => part.trim().toLowerCase().startsWith('text/csv'));
}
