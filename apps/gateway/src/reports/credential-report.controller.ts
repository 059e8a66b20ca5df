import { Body, Controller, Headers, HttpCode, Inject, Post, Res } from '@nestjs/common';
import { CurrentPrincipal, RequireScopes, type Principal } from '@cep/auth';
import { ReportQueryService, reportToCsv, type ReportPage } from '@cep/reports';
import { assertSameOrganisation } from '../common/tenant';
import { CredentialReportRequestDto } from './credential-report-request.dto';

/** Daily credential reports (seed 000): counts of issued / status_changed per local date, profile and type. */
@Controller('v1/events/credential-reports')
export class CredentialReportController {
  constructor(@Inject(ReportQueryService) private readonly reports: ReportQueryService) {}

  @Post()
  @HttpCode(200)
  @RequireScopes('reports:read')
  async create(
    @CurrentPrincipal() p: Principal,
    @Body() body: CredentialReportRequestDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) res: HeaderSink,
  ): Promise<ReportPage | string> {
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
    return page.nextCursor ? { data: page.data, nextCursor: page.nextCursor } : { data: page.data };
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
