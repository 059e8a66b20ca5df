import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { EventLogError } from '@cep/event-log';
import { validationFailed, type FieldError } from '@cep/platform';

/** Maps {@link EventLogError} once to the platform's 400 body, naming the offending field and where it was. */
@Catch(EventLogError)
export class EventLogErrorFilter implements ExceptionFilter {
  catch(err: EventLogError, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<{ method: string }>();
    const res = http.getResponse<{ headersSent: boolean; status(code: number): { json(body: unknown): void } }>();
    const location: FieldError['location'] =
      err.param === 'Last-Event-ID' ? 'headers' : err.param === 'groupBy' || req.method === 'GET' ? 'query' : 'body';
    const body = validationFailed([{ value: err.value ?? null, msg: err.message, param: err.param, location }], `${err.param}: ${err.message}`);
    if (!res.headersSent) res.status(400).json(body.getResponse());
  }
}
