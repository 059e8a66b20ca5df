import { Module } from '@nestjs/common';
import { loadConfig } from '@cep/platform';
import { EventLogListener } from './event-log-listener.service';
import { EventLogQueryController } from './event-log-query.controller';
import { EventLogStreamController } from './event-log-stream.controller';
import { EVENT_STREAM_CONFIG, EventLogStreamService } from './event-log-stream.service';
import { EventStreamConfig } from './event-stream.config';

/** Event log (seed 001): `POST /v1/events/query` and the live feed `GET /v1/events/stream`. */
@Module({
  controllers: [EventLogQueryController, EventLogStreamController],
  providers: [{ provide: EVENT_STREAM_CONFIG, useFactory: () => loadConfig(EventStreamConfig) }, EventLogListener, EventLogStreamService],
})
export class EventLogApiModule {}
