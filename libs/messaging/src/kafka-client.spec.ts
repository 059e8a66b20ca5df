import { logLevel } from 'kafkajs';
import { configureLogging, loadConfig, PlatformConfig } from '@cep/platform';
import { kafkaClientConfig, kafkaLogCreator } from './kafka-client';

/** Env → kafkajs settings: TLS and SASL (PLAIN, SCRAM, OAUTHBEARER) are configured by environment only. */
const cfg = (env: Record<string, string>) => loadConfig(PlatformConfig, env);

describe('kafkaClientConfig (TLS/SASL by env)', () => {
  it('defaults to plaintext without SASL for local use', () => {
    const k = kafkaClientConfig(cfg({}), 'gateway');
    expect(k.brokers).toEqual(['127.0.0.1:9092']);
    expect(k.clientId).toBe('cep-gateway');
    expect(k.ssl).toBe(false);
    expect(k.sasl).toBeUndefined();
  });

  it('enables TLS with the system CA store, or with a given CA', () => {
    expect(kafkaClientConfig(cfg({ KAFKA_SSL: 'true' })).ssl).toBe(true);
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
    expect(kafkaClientConfig(cfg({ KAFKA_SSL: '1', KAFKA_SSL_CA: pem })).ssl).toEqual({ ca: [pem] });
  });

  it.each(['plain', 'scram-sha-256', 'scram-sha-512'] as const)('maps SASL %s with username/password', (mechanism) => {
    const k = kafkaClientConfig(
      cfg({ KAFKA_BROKERS: 'b1:9093, b2:9093', KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: 'svc', KAFKA_SASL_PASSWORD: 'pw' }),
    );
    expect(k.brokers).toEqual(['b1:9093', 'b2:9093']);
    expect(k.sasl).toEqual({ mechanism, username: 'svc', password: 'pw' });
  });

  it('refuses SASL without credentials (fail fast, not an anonymous connection)', () => {
    expect(() => kafkaClientConfig(cfg({ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'svc' }))).toThrow(/KAFKA_SASL_PASSWORD/);
    expect(() => kafkaClientConfig(cfg({ KAFKA_SASL_MECHANISM: 'oauthbearer' }))).toThrow(/KAFKA_SASL_OAUTH_TOKEN/);
  });

  it('maps OAUTHBEARER to a token provider', async () => {
    const k = kafkaClientConfig(cfg({ KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'oauthbearer', KAFKA_SASL_OAUTH_TOKEN: 'tok' }));
    const sasl = k.sasl as { mechanism: string; oauthBearerProvider: () => Promise<{ value: string }> };
    expect(sasl.mechanism).toBe('oauthbearer');
    await expect(sasl.oauthBearerProvider()).resolves.toEqual({ value: 'tok' });
  });

  it('rejects an unknown SASL mechanism at config load', () => {
    expect(() => cfg({ KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow(/KAFKA_SASL_MECHANISM/);
  });
});

describe('kafkajs logs', () => {
  it('go through the platform logger as the one JSON line shape', () => {
    const lines: Record<string, unknown>[] = [];
    configureLogging({ app: 'spec', destination: { write: (s: string) => void lines.push(JSON.parse(s)) } });
    const k = kafkaClientConfig(cfg({}), 'gateway');
    expect(k.logCreator).toBe(kafkaLogCreator);
    const log = kafkaLogCreator(logLevel.WARN);
    log({
      namespace: 'Connection',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: { timestamp: '2026-01-01T00:00:00.000Z', logger: 'kafkajs', message: 'Connection error: connect ECONNREFUSED', broker: '127.0.0.1:1', clientId: 'cep-gateway' },
    });
    log({ namespace: 'Consumer', level: logLevel.WARN, label: 'WARN', log: { timestamp: 'x', logger: 'kafkajs', message: 'rebalancing', groupId: 'g' } });
    expect(lines).toEqual([
      expect.objectContaining({ level: 'error', app: 'spec', logger: 'kafkajs.Connection', msg: 'Connection error: connect ECONNREFUSED', broker: '127.0.0.1:1', trace_id: null, request_id: null }),
      expect.objectContaining({ level: 'warn', logger: 'kafkajs.Consumer', msg: 'rebalancing', groupId: 'g' }),
    ]);
    expect(lines[0]).not.toHaveProperty('timestamp');
    expect(lines[0]).not.toHaveProperty('message');
  });
});
