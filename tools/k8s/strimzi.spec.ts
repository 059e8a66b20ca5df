/**
 * The Strimzi overlay (k8s/overlays/strimzi): its generated files are those tools/k8s/strimzi.ts renders today from
 * the topic catalogue and the apps' Kafka access (stale files fail), and the validator rejects topics, users and
 * ACLs that stray from them. Rendering and schema validation of the overlay itself run in k8s-manifests.spec.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadAll } from 'js-yaml';
import { kafkaAccess } from './kafka-access';
import { kafkaUserName, overlayConfig, renderStrimzi, STRIMZI_DIR } from './strimzi';
import { formatFindings, K8sObject, renderTarget, TARGETS, validateObjects } from './validate';

jest.setTimeout(120_000);

const target = TARGETS.find((t) => t.name === 'strimzi')!;
let rendered: K8sObject[] | undefined;
const objects = () => (rendered ??= renderTarget(target));

describe('k8s/overlays/strimzi generated files', () => {
  it.each(Object.keys(renderStrimzi()))('%s is up to date (npm run strimzi:generate)', (file) => {
    const committed = fs.readFileSync(path.join(STRIMZI_DIR, file), 'utf8');
    expect(committed).toBe(renderStrimzi()[file]);
  });

  it('a partition change in the overlay config makes kafka-topics.yaml stale', () => {
    const committed = fs.readFileSync(path.join(STRIMZI_DIR, 'kafka-topics.yaml'), 'utf8');
    expect(renderStrimzi({ ...overlayConfig(), KAFKA_PARTITIONS_WALLET: '48' })['kafka-topics.yaml']).not.toBe(committed);
  });

  it('users: one per Kafka-using app, none for the gateway; the wallet-claim policy and dead-letter relay are covered', () => {
    const users = (loadAll(renderStrimzi()['kafka-users.yaml']) as any[]).filter(Boolean);
    expect(users.map((u) => u.metadata.name).sort()).toEqual(
      kafkaAccess()
        .filter((a) => a.app !== 'gateway')
        .map((a) => kafkaUserName(a.app))
        .sort(),
    );
    const acls = (name: string) => users.find((u) => u.metadata.name === name).spec.authorization.acls.map((a: any) => `${a.resource.type}:${a.resource.name}:${a.operations.join('+')}`);
    expect(acls('cep-issuer')).toEqual(expect.arrayContaining(['topic:cep.wallet.v1:Read+Describe', 'group:cep.issuer.wallet-policy:Read+Describe']));
    expect(acls('cep-issuer')).not.toContain('topic:cep.wallet.v1:Write+Describe');
    expect(acls('cep-report-projector')).toEqual([
      'topic:cep.dlq.cep.report-projector:Write+Describe',
      'topic:cep.credentials.v1:Read+Describe',
      'group:cep.report-projector:Read+Describe',
    ]);
  });
});

describe('validator catches (strimzi)', () => {
  const mutate = (fn: (o: K8sObject[]) => void): string => {
    const copy = structuredClone(objects());
    fn(copy);
    return formatFindings(validateObjects(target, copy));
  };
  const find = (o: K8sObject[], kind: string, name: string) => o.find((x) => x.kind === kind && x.metadata.name === name)!;

  it('renders and validates as committed', () => {
    expect(mutate(() => undefined)).toBe('');
  });

  it('an ACL beyond the app\'s topics, a missing one, and a schema violation', () => {
    const out = mutate((o) => {
      const acls = find(o, 'KafkaUser', 'cep-verifier').spec.authorization.acls;
      acls.push({ resource: { type: 'topic', name: 'cep.credentials.v1', patternType: 'literal' }, operations: ['Write'], host: '*' });
      find(o, 'KafkaUser', 'cep-history-projector').spec.authorization.acls.pop();
      find(o, 'KafkaUser', 'cep-wallet').spec.authorization.acls[0].operations = ['Writ'];
    });
    expect(out).toContain('KafkaUser/cep-verifier: ACLs beyond the app\'s topics and groups: allow topic:literal:cep.credentials.v1 * Write');
    expect(out).toContain('KafkaUser/cep-history-projector: missing ACLs: allow group:literal:cep.history-projector * ');
    expect(out).toContain('KafkaUser/cep-wallet: schema: /spec/authorization/acls/0/operations/0 must be equal to one of the allowed values');
  });

  it('a topic missing or with other partitions than the config, and a user for the gateway', () => {
    const out = mutate((o) => {
      o.splice(o.indexOf(find(o, 'KafkaTopic', 'cep.dlq.cep.event-log-projector')), 1);
      find(o, 'KafkaTopic', 'cep.proofs.v1').spec.partitions = 3;
      o.push({ ...structuredClone(find(o, 'KafkaUser', 'cep-wallet')), metadata: { name: 'cep-gateway', namespace: 'cep', labels: { 'strimzi.io/cluster': 'cep-kafka', 'app.kubernetes.io/name': 'gateway', 'app.kubernetes.io/part-of': 'credential-event-platform' } } });
    });
    expect(out).toContain('KafkaTopic/cep.dlq.cep.event-log-projector: missing');
    expect(out).toContain('KafkaTopic/cep.proofs.v1: partitions is 3, the config (KAFKA_PARTITIONS*) says 12');
    expect(out).toContain('Deployment/gateway: uses no Kafka, so it must have no KafkaUser');
  });

  it('an app logging in with the shared password instead of its own user Secret', () => {
    const out = mutate((o) => {
      const c = find(o, 'Deployment', 'wallet').spec.template.spec.containers[0];
      c.env = c.env.filter((e: any) => e.name !== 'KAFKA_SASL_PASSWORD');
    });
    expect(out).toContain('Deployment/wallet: KAFKA_SASL_PASSWORD must come from Secret cep-wallet (key password)');
  });
});
