import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { brokerHostPort, kafkaScript, portOpen } from '@cep/testing';
import { migrate } from '../../tools/db/migrate';

export interface BenchInfra {
  runId: string;
  databaseUrl: string;
  brokers: string[];
  kafka: Kafka;
  pool: Pool;
}

/** Starts the local broker when nothing answers on KAFKA_BROKERS (default 127.0.0.1:9092). */
export async function ensureBroker(brokers: string): Promise<void> {
  const { host, port } = brokerHostPort(brokers);
  if (await portOpen(host, port)) return;
  console.log(`[bench] no broker on ${host}:${port}; starting the local one (tools/kafka/kafka.sh start)`);
  kafkaScript('start');
}

/** A fresh database `cep_bench_<run>` with every migration applied, and a kafkajs client. */
export async function setupInfra(runId: string): Promise<BenchInfra> {
  const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
  await ensureBroker(brokers);
  const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  base.pathname = `/cep_bench_${runId}`;
  const databaseUrl = base.toString();
  await migrate(databaseUrl);
  const kafka = new Kafka({
    clientId: `cep-bench-${runId}`,
    brokers: brokers.split(','),
    logLevel: logLevel.ERROR,
    connectionTimeout: 3000,
    requestTimeout: 60000,
    retry: { initialRetryTime: 200, retries: 8, maxRetryTime: 5000 },
  });
  const pool = new Pool({ connectionString: databaseUrl, max: 8, application_name: 'cep-bench' });
  // An idle client dropped by the server (e.g. a PostgreSQL restart by a fault test on a shared machine) must not
  // crash the run: the pool replaces it, and queries in flight fail and are retried where it matters.
  pool.on('error', (err) => console.warn(`[bench] idle database connection lost: ${err.message}`));
  return { runId, databaseUrl, brokers: brokers.split(','), kafka, pool };
}

export async function dropDatabase(databaseUrl: string): Promise<void> {
  const u = new URL(databaseUrl);
  const name = u.pathname.slice(1);
  u.pathname = '/postgres';
  const p = new Pool({ connectionString: u.toString(), max: 1 });
  try {
    await p.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await p.end();
  }
}

export async function createTopics(kafka: Kafka, topics: string[], partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: topics.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: -1 })) });
  } finally {
    await admin.disconnect();
  }
}

export async function deleteTopics(kafka: Kafka, topics: string[]): Promise<void> {
  if (!topics.length) return;
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics, timeout: 30000 });
  } finally {
    await admin.disconnect();
  }
}

/** Per topic and partition, the high watermark (next offset to be written). */
export async function highWatermarks(kafka: Kafka, topics: readonly string[]): Promise<{ topic: string; partition: number; high: number }[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const out: { topic: string; partition: number; high: number }[] = [];
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) out.push({ topic, partition: p.partition, high: Number(p.high) });
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}

export async function totalMessages(kafka: Kafka, topics: readonly string[]): Promise<number> {
  return (await highWatermarks(kafka, topics)).reduce((s, x) => s + x.high, 0);
}
