import { Catch, NotFoundException, type ArgumentsHost, type ExceptionFilter, type HttpException } from '@nestjs/common';
import { ActivityError, ActivityErrorCode } from '@cep/activity';
import { validationFailed } from '@cep/platform';

/** Maps the activity read model's typed errors to HTTP, once: not found → 404, bad cursor/range → 400. */
@Catch(ActivityError)
export class ActivityErrorFilter implements ExceptionFilter {
  catch(err: ActivityError, host: ArgumentsHost): void {
    const http: HttpException =
      err.code === ActivityErrorCode.NotFound
        ? new NotFoundException({ statusCode: 404, code: err.code, message: err.message })
        : validationFailed([{ value: err.value ?? null, msg: err.message, param: err.param ?? 'query', location: 'query' }], err.message);
    host.switchToHttp().getResponse().status(http.getStatus()).json(http.getResponse());
  }
}
