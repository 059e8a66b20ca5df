import { Module } from '@nestjs/common';
import { HealthController, MetricsController } from '@cep/platform';
import { GatewayCoreModule } from './gateway-core.module';
import { EventLogApiModule } from './events/event-log-api.module';
import { HistoryApiModule } from './history/history-api.module';
import { ReportsApiModule } from './reports/reports-api.module';
import { ActivityApiModule } from './activity/activity-api.module';

@Module({
  // Feature modules of the read models register here, one line each.
  imports: [GatewayCoreModule, EventLogApiModule, HistoryApiModule, ActivityApiModule, ReportsApiModule],
  controllers: [HealthController, MetricsController],
})
export class GatewayModule {}
