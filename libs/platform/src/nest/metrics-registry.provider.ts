import type { Provider } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { METRICS_REGISTRY } from './tokens';

/** One Prometheus registry per process, with the default Node.js metrics; served on /metrics. */
export const metricsRegistryProvider: Provider = {
  provide: METRICS_REGISTRY,
  useFactory: () => {
    const r = new Registry();
    collectDefaultMetrics({ register: r });
    return r;
  },
};
