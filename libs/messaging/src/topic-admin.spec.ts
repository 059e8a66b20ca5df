import { platformTopics, topicReplication } from './topic-admin';

describe('topic replication from the environment', () => {
  it('given no settings, when the topics are listed, then replication is left to the broker defaults', () => {
    expect(topicReplication({})).toEqual({});
    for (const t of platformTopics({})) expect(t).not.toHaveProperty('replicationFactor');
  });

  it('given KAFKA_REPLICATION_FACTOR=3 and KAFKA_MIN_INSYNC_REPLICAS=2, then every platform topic carries them', () => {
    const topics = platformTopics({ KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '2' });
    expect(topics.length).toBeGreaterThan(4);
    for (const t of topics) expect({ rf: t.replicationFactor, isr: t.minInsyncReplicas }).toEqual({ rf: 3, isr: 2 });
  });

  it('given invalid values, then it fails fast', () => {
    expect(() => topicReplication({ KAFKA_REPLICATION_FACTOR: 'three' })).toThrow(/positive integer/);
    expect(() => topicReplication({ KAFKA_MIN_INSYNC_REPLICAS: '0' })).toThrow(/positive integer/);
    expect(() => topicReplication({ KAFKA_REPLICATION_FACTOR: '1', KAFKA_MIN_INSYNC_REPLICAS: '2' })).toThrow(/exceeds/);
  });
});
