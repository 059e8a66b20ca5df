import type { DataSource } from 'typeorm';
import { testDataSource, testKafka } from '@cep/testing';
import { ALL_FAULTS, FaultSuite, PROFILES, type FaultName } from '../../libs/testing/src/faults';
import { FAULT_ADAPTERS } from './adapters';

/**
 * Every fault × every projector: after each fault, once the lag is 0, the read model equals its oracle both
 * ways (for history: every entry's relations, the entity state and the relation filters' totals through the
 * gateway's query service), no event id is applied twice, the stored offsets never went backwards, poison went to
 * the dead-letter table and every dead letter is on the DLQ topic (by original topic/partition/offset).
 * The workload writes the same entities from several topics at once (proofs + wallet), partition concurrency 3.
 * FAULTS=kill9,sigterm limits the faults; FAULTS_PROFILE=ci|full picks the size.
 */
const profile = PROFILES[process.env.FAULTS_PROFILE ?? 'ci'];
if (!profile) throw new Error(`unknown FAULTS_PROFILE ${process.env.FAULTS_PROFILE}`);
const faults = (process.env.FAULTS ? process.env.FAULTS.split(',') : ALL_FAULTS) as FaultName[];

describe(`fault injection (${profile.name}: ${profile.events} events per fault)`, () => {
  let ds: DataSource;
  let suite: FaultSuite;

  beforeAll(async () => {
    ds = await testDataSource();
    suite = new FaultSuite(ds, testKafka('faults'), FAULT_ADAPTERS, profile);
    await suite.setUp();
  });

  afterAll(async () => {
    await suite?.tearDown();
    if (suite?.results.length) process.stdout.write(`\nFault-injection results (${profile.name})\n${suite.table()}\n`);
    await ds?.destroy().catch(() => undefined);
  });

  it.each(faults)('%s', async (fault) => {
    const results = await suite.run(fault);
    for (const r of results) {
      const { projector, missing, unexpected, duplicates, offsetsBackwards: backwards, deadLetters: dlq, dlqTopic, dlqTopicUnexpected } = r;
      expect({ projector, missing, unexpected, duplicates, backwards, dlq, dlqTopic, dlqTopicUnexpected, notes: r.pass ? [] : r.notes }).toEqual({
        projector,
        missing: 0,
        unexpected: 0,
        duplicates: 0,
        backwards: 0,
        dlq: r.expectedDeadLetters,
        dlqTopic: r.expectedDeadLetters,
        dlqTopicUnexpected: 0,
        notes: [],
      });
    }
  });
});
