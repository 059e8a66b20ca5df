import { Module } from '@nestjs/common';
import { loadConfig, TenantDatabase } from '@cep/platform';
import { ReportQueryService } from '@cep/reports';
import { CredentialReportController } from './credential-report.controller';
import { reportsCursorSecret, ReportsApiConfig } from './reports-api.config';

@Module({
  controllers: [CredentialReportController],
  providers: [
    {
      provide: ReportQueryService,
      inject: [TenantDatabase],
      useFactory: (db: TenantDatabase) => new ReportQueryService(db, { cursorSecret: reportsCursorSecret(loadConfig(ReportsApiConfig)) }),
    },
  ],
})
export class ReportsApiModule {}
