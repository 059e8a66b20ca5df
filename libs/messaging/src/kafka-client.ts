import { Kafka, logLevel, type KafkaConfig, type logCreator, type SASLOptions } from 'kafkajs';
import { Logger, type PlatformConfig } from '@cep/platform';

export type KafkaSettings = Pick<
  PlatformConfig,
  | 'KAFKA_BROKERS'
  | 'KAFKA_CLIENT_ID'
  | 'KAFKA_SSL'
  | 'KAFKA_SSL_CA'
  | 'KAFKA_SASL_MECHANISM'
  | 'KAFKA_SASL_USERNAME'
  | 'KAFKA_SASL_PASSWORD'
  | 'KAFKA_SASL_OAUTH_TOKEN'
>;

function sasl(cfg: KafkaSettings): SASLOptions | undefined {
  switch (cfg.KAFKA_SASL_MECHANISM) {
    case undefined:
      return undefined;
    case 'oauthbearer': {
      const token = cfg.KAFKA_SASL_OAUTH_TOKEN;
      if (!token) throw new Error('KAFKA_SASL_OAUTH_TOKEN is required for oauthbearer');
      return { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: token }) };
    }
    default:
      if (!cfg.KAFKA_SASL_USERNAME || !cfg.KAFKA_SASL_PASSWORD) {
        throw new Error(`KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required for ${cfg.KAFKA_SASL_MECHANISM}`);
      }
      return {
        mechanism: cfg.KAFKA_SASL_MECHANISM,
        username: cfg.KAFKA_SASL_USERNAME,
        password: cfg.KAFKA_SASL_PASSWORD,
      } as SASLOptions;
  }
}

process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

/**
 * kafkajs logs through the platform logger: the same JSON line as every other line (`logger: "kafkajs.<namespace>"`,
 * kafkajs' message as `msg`, its fields such as broker, clientId, groupId, error, retryCount kept; its own
 * timestamp and logger name dropped).
 */
export const kafkaLogCreator: logCreator = () => {
  const loggers = new Map<string, Logger>();
  return ({ namespace, level, log }) => {
    const name = namespace ? `kafkajs.${namespace}` : 'kafkajs';
    let l = loggers.get(name);
    if (!l) loggers.set(name, (l = new Logger(name)));
    const { message, timestamp: _timestamp, logger: _logger, ...fields } = log;
    if (level === logLevel.ERROR || level === logLevel.NOTHING) l.error(message, fields);
    else if (level === logLevel.WARN) l.warn(message, fields);
    else if (level === logLevel.INFO) l.info(message, fields);
    else l.debug(message, fields);
  };
};

/** The kafkajs client settings derived from validated config (TLS and SASL configurable by env); pure, unit-tested. */
export function kafkaClientConfig(cfg: KafkaSettings, clientIdSuffix?: string, overrides: Partial<KafkaConfig> = {}): KafkaConfig {
  return {
    clientId: clientIdSuffix ? `${cfg.KAFKA_CLIENT_ID}-${clientIdSuffix}` : cfg.KAFKA_CLIENT_ID,
    brokers: cfg.KAFKA_BROKERS,
    ssl: cfg.KAFKA_SSL ? (cfg.KAFKA_SSL_CA ? { ca: [cfg.KAFKA_SSL_CA] } : true) : false,
    sasl: sasl(cfg),
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator,
    connectionTimeout: 3000,
    requestTimeout: 30000,
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 5000 },
    ...overrides,
  };
}

/** Builds a kafkajs client from validated settings (TLS and SASL configurable by env). */
export function createKafka(cfg: KafkaSettings, clientIdSuffix?: string, overrides: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka(kafkaClientConfig(cfg, clientIdSuffix, overrides));
}
