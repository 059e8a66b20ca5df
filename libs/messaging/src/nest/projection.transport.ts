import { Server, type CustomTransportStrategy } from '@nestjs/microservices';
import type { BatchProjectionRunner } from '../batch-projection-runner';

/**
 * A `@nestjs/microservices` transport strategy that runs a checkpointed batch projection:
 * `app.connectMicroservice({ strategy })`, started by `startAllMicroservices()`, stopped on shutdown.
 * Projections are declared objects, not message handlers, so no @EventPattern routing is involved.
 */
export class ProjectionTransport extends Server implements CustomTransportStrategy {
  constructor(private readonly runner: BatchProjectionRunner) {
    super();
  }

  listen(callback: (...optionalParams: unknown[]) => void): void {
    this.runner.start().then(
      () => callback(),
      (err) => callback(err),
    );
  }

  async close(): Promise<void> {
    await this.runner.stop();
  }

  on(): any {
    throw new Error('ProjectionTransport does not emit events');
  }

  unwrap<T>(): T {
    return this.runner as T;
  }
}
