import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { loadConfig } from '@cep/platform';
import { ReportQueryService } from '@cep/reports';
import { CredentialReportController } from './credential-report.controller';
import { reportsCursorSecret, ReportsApiConfig } from './reports-api.config';

@Module({
  controllers: [CredentialReportController],
  providers: [
    {
      provide: ReportQueryService,
      inject: [DataSource],
      useFactory: (ds: DataSource) => new ReportQueryService(ds, { cursorSecret: reportsCursorSecret(loadConfig(ReportsApiConfig)) }),
    },
  ],
})
export class ReportsApiModule {}
