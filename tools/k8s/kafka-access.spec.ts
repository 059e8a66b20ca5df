/**
 * The Kafka access of each app (tools/k8s/kafka-access.ts) against the code: a producer's declared `produces` topics
 * are exactly those of the event definitions its source builds or imports (less what it only consumes), projectors
 * read their projection's topics, and the issuer's wallet-claim policy group is the one its config defaults to.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as contracts from '@cep/contracts';
import { APPS } from './app-catalogue';
import { kafkaAccess, projectorMaxReplicas, projectorTopics, topicName } from './kafka-access';
import { REPO_ROOT } from './validate';

/** Export name -> topic of every event definition of @cep/contracts. */
const DEFINITION_TOPICS = new Map<string, string>(
  Object.entries(contracts as Record<string, any>)
    .filter(([, v]) => v && typeof v === 'object' && typeof v.type === 'string' && typeof v.topic === 'string' && v.payload)
    .map(([k, v]) => [k, v.topic]),
);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'test' ? [] : sourceFiles(p);
    return /\.ts$/.test(e.name) && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(e.name) ? [p] : [];
  });
}

/** Topics of the event definitions an app's (non-test) source imports from @cep/contracts. */
function importedEventTopics(app: string): string[] {
  const topics = new Set<string>();
  for (const file of sourceFiles(path.join(REPO_ROOT, 'apps', app, 'src'))) {
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/import\s*\{([^}]*)\}\s*from\s*'@cep\/contracts'/g))
      for (const spec of m[1].split(',')) {
        const id = spec.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0];
        const topic = DEFINITION_TOPICS.get(id);
        if (topic) topics.add(topic);
      }
  }
  return [...topics].sort();
}

describe('Kafka access derived from the code', () => {
  it('finds every event definition of the catalogue among the exports of @cep/contracts', () => {
    expect(DEFINITION_TOPICS.size).toBe(contracts.EVENT_DEFINITIONS.length);
  });

  describe.each(APPS.filter((a) => a.kind === 'producer').map((a) => [a.name, a] as const))('producer %s', (name, app) => {
    it('writes exactly the topics of the events it imports, less those it only consumes', () => {
      const consumed = (app.consumes ?? []).flatMap((c) => c.topics.map(topicName));
      const produced = importedEventTopics(name).filter((t) => !(consumed as string[]).includes(t));
      expect(kafkaAccess().find((a) => a.app === name)!.writes).toEqual(produced);
    });
  });

  it("the issuer's wallet-claim policy consumes the wallet topic in the group its config defaults to", () => {
    const policy = fs.readFileSync(path.join(REPO_ROOT, 'apps/issuer/src/credentials/wallet-claim.policy.ts'), 'utf8');
    const config = fs.readFileSync(path.join(REPO_ROOT, 'apps/issuer/src/issuer.config.ts'), 'utf8');
    expect(policy).toMatch(/subscribe\(\{\s*topic:\s*TOPICS\.wallet\b/);
    const group = /WALLET_POLICY_GROUP_ID\s*=\s*'([^']+)'/.exec(config)?.[1];
    expect(kafkaAccess().find((a) => a.app === 'issuer')).toMatchObject({ reads: [contracts.TOPICS.wallet], groups: [group] });
  });

  it('projectors read their projection\'s topics, join their group and write only their dead-letter topic', () => {
    for (const app of APPS.filter((a) => a.kind === 'projector')) {
      expect(kafkaAccess().find((a) => a.app === app.name)).toEqual({
        app: app.name,
        reads: projectorTopics(app.name),
        groups: [app.consumerGroup],
        writes: [contracts.deadLetterTopic(app.consumerGroup!)],
      });
      const main = fs.readFileSync(path.join(REPO_ROOT, 'apps', app.name, 'src/main.ts'), 'utf8');
      expect(main).toContain(`groupId: '${app.consumerGroup}'`);
    }
  });

  it('the gateway has no Kafka access', () => {
    expect(kafkaAccess().find((a) => a.app === 'gateway')).toEqual({ app: 'gateway', reads: [], writes: [], groups: [] });
  });

  it('a projector\'s replica bound is the most partitions of one of its topics', () => {
    expect(projectorMaxReplicas('history-projector', {})).toBe(contracts.DEFAULT_PARTITIONS);
    expect(projectorMaxReplicas('history-projector', { KAFKA_PARTITIONS: '12', KAFKA_PARTITIONS_BRIDGE: '20' })).toBe(20);
    expect(projectorMaxReplicas('report-projector', { KAFKA_PARTITIONS: '12', KAFKA_PARTITIONS_BRIDGE: '20' })).toBe(12);
  });
});
