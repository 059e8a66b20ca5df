import { IsInt, Max, Min } from 'class-validator';
import { ConfigError, loadConfig, ToInt } from './config';
import { DEV_JWT_SECRET, PlatformConfig } from './platform.config';

class AppConfig extends PlatformConfig {
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT = 3000;
}

describe('loadConfig', () => {
  it('given no environment, when loading, then the local defaults apply', () => {
    const cfg = loadConfig(AppConfig, {});
    expect(cfg.PORT).toBe(3000);
    expect(cfg.KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(cfg.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/cep');
    expect(cfg.AUTH_JWT_SECRET).toBe(DEV_JWT_SECRET);
    expect(cfg.DATABASE_SSL).toBe(false);
  });

  it('given env strings, when loading, then numbers, booleans and lists are converted', () => {
    const cfg = loadConfig(AppConfig, { PORT: '4010', DATABASE_SSL: 'true', KAFKA_BROKERS: 'a:1, b:2' });
    expect(cfg.PORT).toBe(4010);
    expect(cfg.DATABASE_SSL).toBe(true);
    expect(cfg.KAFKA_BROKERS).toEqual(['a:1', 'b:2']);
  });

  it('given a bad value, when loading, then it fails fast naming the variable', () => {
    expect(() => loadConfig(AppConfig, { PORT: '70000' })).toThrow(ConfigError);
    expect(() => loadConfig(AppConfig, { PORT: 'abc' })).toThrow(/PORT/);
    expect(() => loadConfig(AppConfig, { KAFKA_SASL_MECHANISM: 'kerberos' })).toThrow(/KAFKA_SASL_MECHANISM/);
    expect(() => loadConfig(AppConfig, { AUTH_JWT_SECRET: 'short' })).toThrow(/AUTH_JWT_SECRET/);
  });
});
