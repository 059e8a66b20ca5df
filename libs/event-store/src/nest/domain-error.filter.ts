import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { SafeExceptionFilter } from '@cep/auth';
import { ConcurrencyError } from '../event-store';
import { DomainError } from '../aggregate';

const STATUS: Record<DomainError['code'], number> = { illegal_transition: 409, already_exists: 409, not_found: 404, forbidden: 403 };

/** Maps domain errors to HTTP once; anything else through the platform's safe filter (always a `code`, never stack traces or SQL). */
@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  private readonly safe = new SafeExceptionFilter();

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
    // Everything else (validation, auth, rate limit, routing 404, database outages, bugs) by the platform's safe
    // mapping: every error body carries a `code`, nothing echoes stack traces or SQL (5xx logged by name and code).
    this.safe.catch(err, host);
  }
}
