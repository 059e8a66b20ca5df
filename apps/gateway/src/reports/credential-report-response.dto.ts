import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { REPORT_OPERATIONS, type ReportOperation } from '@cep/reports';

/** One count: a local date, an operation, a profile and (for `issued`) a credential type. */
export class CredentialReportEntryDto {
  @ApiProperty({ format: 'date', example: '2026-02-26' })
  date!: string;

  @ApiProperty({ enum: REPORT_OPERATIONS, example: 'issued' })
  operation!: ReportOperation;

  @ApiProperty({ example: 'cwt' })
  profile!: string;

  @ApiPropertyOptional({ description: 'present on `issued` entries, omitted on `status_changed`', example: 'VerifiedEmployee' })
  credentialType?: string;

  @ApiProperty({ example: 12 })
  count!: number;
}

/** `POST /v1/events/credential-reports` (JSON). */
export class CredentialReportPageDto {
  @ApiProperty({ type: [CredentialReportEntryDto] })
  data!: CredentialReportEntryDto[];

  @ApiPropertyOptional({ description: 'present when there are more entries: send it back as `cursor` with the same request', example: 'eyJ2IjoxLC…' })
  nextCursor?: string;
}

export const CREDENTIAL_REPORT_EXAMPLE: CredentialReportPageDto = {
  data: [
    { date: '2026-02-26', operation: 'issued', profile: 'cwt', credentialType: 'VerifiedEmployee', count: 12 },
    { date: '2026-02-25', operation: 'issued', profile: 'mdoc', credentialType: 'org.iso.18013.5.1.mDL', count: 5 },
    { date: '2026-02-25', operation: 'status_changed', profile: 'cwt', count: 2 },
  ],
  nextCursor: 'eyJ2IjoxLC…',
};
