/**
 * Deployment manifests, statically: each Kustomize target renders (kubectl kustomize) and every object passes the
 * Kubernetes/KEDA JSON schemas and the cross-checks of tools/k8s/validate.ts; docker/ agrees with the app catalogue.
 * Needs kubectl (or kustomize) on PATH; no cluster, no network.
 */
import * as fs from 'fs';
import { checkCompose, checkDockerfile, COMPOSE_FILE, DOCKERFILE, validateDocker } from './docker-checks';
import { formatFindings, K8sObject, renderTarget, RenderTarget, TARGETS, validateObjects } from './validate';

jest.setTimeout(120_000);

const rendered = new Map<string, K8sObject[]>();
function objectsOf(target: RenderTarget): K8sObject[] {
  if (!rendered.has(target.name)) rendered.set(target.name, renderTarget(target));
  return rendered.get(target.name)!;
}

describe.each(TARGETS.map((t) => [t.dir, t] as const))('%s', (_dir, target) => {
  it('renders with kustomize', () => {
    expect(objectsOf(target).length).toBeGreaterThan(0);
  });

  it('passes the schemas and cross-checks', () => {
    expect(formatFindings(validateObjects(target, objectsOf(target)))).toBe('');
  });
});

describe('docker/', () => {
  it('Dockerfile, Dockerfile.dockerignore and compose.yml agree with the app catalogue', () => {
    expect(formatFindings(validateDocker())).toBe('');
  });
});

/** The validator must actually reject broken manifests, or the tests above prove nothing. */
describe('validator catches', () => {
  const prod = TARGETS.find((t) => t.name === 'prod')!;
  const mutate = (fn: (objects: K8sObject[]) => void): string => {
    const objects = structuredClone(objectsOf(prod));
    fn(objects);
    return formatFindings(validateObjects(prod, objects));
  };
  const find = (objects: K8sObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name)!;
  const container = (objects: K8sObject[], name: string) => find(objects, 'Deployment', name).spec.template.spec.containers[0];

  it('schema violations', () => {
    const out = mutate((o) => (container(o, 'gateway').ports[0].containerPort = '3000'));
    expect(out).toContain('schema: /spec/template/spec/containers/0/ports/0/containerPort must be integer');
  });

  it('kinds without a schema', () => {
    const out = mutate((o) => o.push({ apiVersion: 'autoscaling/v2beta2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'x', namespace: 'cep' } }));
    expect(out).toContain('no schema for autoscaling/v2beta2/HorizontalPodAutoscaler');
  });

  it('probes on a port the container does not declare', () => {
    const out = mutate((o) => (container(o, 'gateway').readinessProbe.httpGet.port = 'htp'));
    expect(out).toContain('readinessProbe port htp is not a port of the container');
  });

  it('selectors that do not match the pod labels', () => {
    const out = mutate((o) => (find(o, 'Service', 'issuer').spec.selector = { 'app.kubernetes.io/name': 'isuer' }));
    expect(out).toContain('Service/issuer: selector matches no Deployment pod template');
  });

  it('references to a Secret that does not exist', () => {
    const out = mutate((o) => (container(o, 'wallet').envFrom[1].secretRef.name = 'cep-secret'));
    expect(out).toContain('envFrom Secret cep-secret is neither rendered nor declared external');
  });

  it('KEDA bounded otherwise than by the partitions of one of the group\'s topics', () => {
    const out = mutate((o) => (find(o, 'ScaledObject', 'report-projector').spec.maxReplicaCount = 24));
    expect(out).toContain('ScaledObject/report-projector: maxReplicaCount is 24, must be 12: the most partitions of one of its topics (cep.credentials.v1=12)');
  });

  it('a per-topic partition count raises the bound of the groups reading that topic only', () => {
    const out = mutate((o) => {
      const cm = o.find((x) => x.kind === 'ConfigMap' && x.metadata.name.startsWith('cep-config-'))!;
      cm.data.KAFKA_PARTITIONS_SESSIONS = '24';
    });
    expect(out).toContain('ScaledObject/event-log-projector: maxReplicaCount is 12, must be 24');
    expect(out).toContain('ScaledObject/history-projector: maxReplicaCount is 12, must be 24');
    expect(out).not.toContain('ScaledObject/report-projector');
  });

  it('KEDA triggers without a topic, or not matching the projection\'s topics', () => {
    const out = mutate((o) => {
      delete find(o, 'ScaledObject', 'report-projector').spec.triggers[0].metadata.topic;
      find(o, 'ScaledObject', 'activity-projector').spec.triggers[1].metadata.topic = 'cep.proofs.v1';
      find(o, 'ScaledObject', 'history-projector').spec.triggers.pop();
    });
    expect(out).toContain("ScaledObject/report-projector: a kafka trigger sets no topic: KEDA would then cap at the partitions of all the group's topics");
    expect(out).toContain('ScaledObject/activity-projector: no trigger for subscribed topic(s) cep.wallet.v1');
    expect(out).toContain('ScaledObject/activity-projector: trigger(s) for topic(s) cep.proofs.v1 the projection does not subscribe to');
    expect(out).toContain('ScaledObject/history-projector: no trigger for subscribed topic(s) cep.wallet.v1');
  });

  it('KEDA connecting to Kafka differently from the apps', () => {
    const out = mutate((o) => delete find(o, 'ScaledObject', 'event-log-projector').spec.triggers[0].authenticationRef);
    // (the base TriggerAuthentication has no SASL: an overlay with SASL must patch it, as prod does)
    expect(out).toContain('the apps use SASL scram-sha-512 but the kafka trigger sets no sasl');
    expect(out).toContain('KEDA tls is (unset) but the apps have KAFKA_SSL=true');
  });

  it('a projector without its shutdown grace period and security context', () => {
    const out = mutate((o) => {
      find(o, 'Deployment', 'history-projector').spec.template.spec.terminationGracePeriodSeconds = 30;
      container(o, 'history-projector').securityContext.readOnlyRootFilesystem = false;
    });
    expect(out).toContain('terminationGracePeriodSeconds must be 45');
    expect(out).toContain('readOnlyRootFilesystem must be true');
  });

  it('a producer without a PodDisruptionBudget', () => {
    const out = mutate((o) => o.splice(o.indexOf(find(o, 'PodDisruptionBudget', 'wallet')), 1));
    expect(out).toContain('Deployment/wallet: producer has no PodDisruptionBudget');
  });

  it('an app whose metrics no ServiceMonitor scrapes, or on a port its Service lacks', () => {
    const out = mutate((o) => {
      o.splice(o.indexOf(find(o, 'ServiceMonitor', 'wallet')), 1);
      find(o, 'ServiceMonitor', 'issuer').spec.endpoints[0].port = 'metrics';
    });
    expect(out).toContain('Deployment/wallet: no ServiceMonitor selects its Service');
    expect(out).toContain('ServiceMonitor/issuer: endpoint port metrics is not a named port of Service/issuer');
  });

  it('a Dockerfile whose APP list lost an app', () => {
    const text = fs.readFileSync(DOCKERFILE, 'utf8').replace('|wallet|', '|');
    expect(formatFindings(checkDockerfile(text))).toContain('differ from tools/k8s/app-catalogue.ts');
  });

  it('a compose service built with an unknown APP', () => {
    const text = fs.readFileSync(COMPOSE_FILE, 'utf8').replace('APP: verifier', 'APP: verifer');
    const out = formatFindings(checkCompose(text));
    expect(out).toContain('APP=verifer is not one of');
    expect(out).toContain('no service builds APP=verifier');
  });
});
