import { ConfigError, loadConfig } from '@cep/platform';
import { ProjectorConfig } from './projector.config';

describe('ProjectorConfig: consumer group timing', () => {
  it('given no environment, when loading, then the fast-recovery defaults apply (6 s session, 1 s heartbeat, 30 s rebalance)', () => {
    const cfg = loadConfig(ProjectorConfig, {});
    expect([cfg.KAFKA_SESSION_TIMEOUT_MS, cfg.KAFKA_HEARTBEAT_INTERVAL_MS, cfg.KAFKA_REBALANCE_TIMEOUT_MS]).toEqual([6000, 1000, 30000]);
  });

  it('given consistent values, when loading, then they are taken', () => {
    const cfg = loadConfig(ProjectorConfig, { KAFKA_SESSION_TIMEOUT_MS: '6000', KAFKA_HEARTBEAT_INTERVAL_MS: '2000', KAFKA_REBALANCE_TIMEOUT_MS: '6000' });
    expect([cfg.KAFKA_SESSION_TIMEOUT_MS, cfg.KAFKA_HEARTBEAT_INTERVAL_MS, cfg.KAFKA_REBALANCE_TIMEOUT_MS]).toEqual([6000, 2000, 6000]);
  });

  it('given a heartbeat over a third of the session timeout, when loading, then it fails fast', () => {
    expect(() => loadConfig(ProjectorConfig, { KAFKA_SESSION_TIMEOUT_MS: '6000', KAFKA_HEARTBEAT_INTERVAL_MS: '2001' })).toThrow(/KAFKA_HEARTBEAT_INTERVAL_MS/);
  });

  it('given a rebalance timeout below the session timeout or a session below the broker minimum, when loading, then it fails fast', () => {
    expect(() => loadConfig(ProjectorConfig, { KAFKA_SESSION_TIMEOUT_MS: '20000', KAFKA_REBALANCE_TIMEOUT_MS: '15000' })).toThrow(/KAFKA_REBALANCE_TIMEOUT_MS/);
    expect(() => loadConfig(ProjectorConfig, { KAFKA_SESSION_TIMEOUT_MS: '5000' })).toThrow(ConfigError);
  });
});
