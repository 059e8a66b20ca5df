import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import { Logger, errorFields } from '@cep/platform';
import { ConcurrencyError } from '../event-store';
import { DomainError } from '../aggregate';

const STATUS: Record<DomainError['code'], number> = { illegal_transition: 409, already_exists: 409, not_found: 404, forbidden: 403 };
const log = new Logger('http');

/** Maps domain errors to HTTP once; never echoes stack traces or SQL. */
@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  catch(err: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse();
    if (err instanceof ConcurrencyError) {
      res.status(409).json({ statusCode: 409, code: 'concurrency_conflict', message: 'the aggregate was changed by another command; reload and retry' });
      return;
    }
    if (err instanceof DomainError) {
      const status = STATUS[err.code];
      res.status(status).json({ statusCode: status, code: err.code, message: err.message });
      return;
    }
    if (err instanceof HttpException) {
      const status = err.getStatus();
      const body = err.getResponse();
      res.status(status).json(typeof body === 'string' ? { statusCode: status, message: body } : body);
      return;
    }
    log.error('unhandled error', errorFields(err));
    res.status(500).json({ statusCode: 500, message: 'internal error' });
  }
}
