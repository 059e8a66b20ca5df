/**
 * Kafka topics, one per bounded context. Every topic is keyed by the aggregate id (the envelope `subject`),
 * so the events of one entity stay ordered; consumers never assume order across topics.
 * Partition counts are the defaults used by `tools/kafka/create-topics` and can be overridden per topic with
 * `KAFKA_PARTITIONS_<NAME>` (e.g. `KAFKA_PARTITIONS_CREDENTIALS=12`) or globally with `KAFKA_PARTITIONS`.
 */
export const TOPICS = {
  /** Issuer: credential schemas and credential lifecycle (incl. offer expiry and delivery failure). */
  credentials: 'cep.credentials.v1',
  /** Verifier: proof schemas and proof requests. */
  proofs: 'cep.proofs.v1',
  /** Issuer: keys, DIDs, organisations, trust anchors and trust entities. */
  identity: 'cep.identity.v1',
  /** Issuer (Bridge): OpenID providers and login interactions. */
  bridge: 'cep.bridge.v1',
  /** Wallet: receipt, claim and rejection of credentials, proof presentation, backups. */
  wallet: 'cep.wallet.v1',
  /** Session event log: VerificationEvent, IssuanceEvent, KeyEvent, DIDEvent, wallet session events. */
  sessions: 'cep.sessions.v1',
} as const;

export type TopicKey = keyof typeof TOPICS;
export type TopicName = (typeof TOPICS)[TopicKey];

export const ALL_TOPICS: TopicName[] = Object.values(TOPICS);

/** Dead-letter topic for a consumer group: failures keep their origin (topic/partition/offset) in headers. */
export function deadLetterTopic(consumerGroup: string): string {
  return `cep.dlq.${consumerGroup}`;
}

export const DEFAULT_PARTITIONS = 3;

export function partitionsFor(topic: TopicName, env: NodeJS.ProcessEnv = process.env): number {
  const key = (Object.keys(TOPICS) as TopicKey[]).find((k) => TOPICS[k] === topic);
  const specific = key ? env[`KAFKA_PARTITIONS_${key.toUpperCase()}`] : undefined;
  const raw = specific ?? env.KAFKA_PARTITIONS;
  const n = raw ? Number(raw) : DEFAULT_PARTITIONS;
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    throw new Error(`invalid partition count for ${topic}: ${raw}`);
  }
  return n;
}
