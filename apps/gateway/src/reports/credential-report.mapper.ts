import type { ReportEntry, ReportPage } from '@cep/reports';
import { CredentialReportEntryDto, CredentialReportPageDto } from './credential-report-response.dto';

/** Read model → response body of the credential reports API (`credentialType` and `nextCursor` omitted when absent). */
export function mapReportEntry(e: ReportEntry): CredentialReportEntryDto {
  const dto = Object.assign(new CredentialReportEntryDto(), { date: e.date, operation: e.operation, profile: e.profile });
  if (e.credentialType !== undefined) dto.credentialType = e.credentialType;
  dto.count = e.count;
  return dto;
}

export function mapReportPage(p: ReportPage): CredentialReportPageDto {
  const page = Object.assign(new CredentialReportPageDto(), { data: p.data.map(mapReportEntry) });
  if (p.nextCursor) page.nextCursor = p.nextCursor;
  return page;
}
