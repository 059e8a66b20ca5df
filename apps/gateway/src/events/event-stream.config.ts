import { IsInt, Max, Min } from 'class-validator';
import { ToInt } from '@cep/platform';

/** Live-stream settings (environment variables; defaults run locally). */
export class EventStreamConfig {
  /** A `: ping` comment is sent after this much silence; the stream also re-reads then (covers a lost NOTIFY). */
  @ToInt()
  @IsInt()
  @Min(100)
  @Max(120000)
  EVENT_STREAM_HEARTBEAT_MS = 15000;

  /** Rows read per catch-up query. */
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(5000)
  EVENT_STREAM_PAGE_SIZE = 200;

  /** Open streams per gateway process; more are refused with 503. */
  @ToInt()
  @IsInt()
  @Min(1)
  EVENT_STREAM_MAX_CLIENTS = 1000;

  /** Open streams per organisation per gateway process (one tenant cannot take every slot); more are refused with 429. */
  @ToInt()
  @IsInt()
  @Min(1)
  EVENT_STREAM_MAX_CLIENTS_PER_ORGANISATION = 100;

  /** A client that does not drain its socket for this long is disconnected (it resumes with Last-Event-ID). */
  @ToInt()
  @IsInt()
  @Min(1000)
  EVENT_STREAM_WRITE_TIMEOUT_MS = 30000;
}
