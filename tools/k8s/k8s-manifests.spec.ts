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
      find(o, 'ScaledObject', 'event-log-projector').spec.triggers[0].metadata.topic = 'cep.proofs.v1';
      find(o, 'ScaledObject', 'history-projector').spec.triggers.pop();
    });
    expect(out).toContain("ScaledObject/report-projector: a kafka trigger sets no topic: KEDA would then cap at the partitions of all the group's topics");
    expect(out).toContain('ScaledObject/event-log-projector: no trigger for subscribed topic(s) cep.sessions.v1');
    expect(out).toContain('ScaledObject/event-log-projector: trigger(s) for topic(s) cep.proofs.v1 the projection does not subscribe to');
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

  it('no default-deny NetworkPolicy, no DNS, and pods without their Kafka/PostgreSQL egress', () => {
    const out = mutate((o) => {
      o.splice(o.indexOf(find(o, 'NetworkPolicy', 'default-deny-all')), 1);
      o.splice(o.indexOf(find(o, 'NetworkPolicy', 'allow-dns-egress')), 1);
      find(o, 'NetworkPolicy', 'allow-kafka-egress').spec.podSelector.matchExpressions[0].values = ['producer', 'kafka-topics'];
      find(o, 'NetworkPolicy', 'allow-postgres-egress').spec.egress[0].ports[0].port = 5433;
    });
    expect(out).toContain('NetworkPolicy/-: no default-deny policy');
    expect(out).toContain('Deployment/gateway: NetworkPolicies allow no DNS egress');
    expect(out).toContain('Deployment/report-projector: NetworkPolicies allow no egress to the Kafka port 9096 (KAFKA_BROKERS)');
    expect(out).toContain('Job/cep-migrate: NetworkPolicies allow no egress to PostgreSQL (5432)');
  });

  it('NetworkPolicies that open more than needed', () => {
    const out = mutate((o) => {
      find(o, 'NetworkPolicy', 'allow-kafka-egress').spec.podSelector.matchExpressions[0].values.push('gateway');
      delete find(o, 'NetworkPolicy', 'allow-metrics-from-prometheus').spec.ingress[0].ports;
      find(o, 'NetworkPolicy', 'allow-producers-from-clients').spec.ingress[0].from = [{ namespaceSelector: {} }];
    });
    expect(out).toContain('Deployment/gateway: NetworkPolicies allow egress to the Kafka port 9096, which it does not use');
    expect(out).toContain('NetworkPolicy/allow-metrics-from-prometheus: an ingress rule without ports admits every port');
    expect(out).toContain('NetworkPolicy/allow-producers-from-clients: an ingress peer with an empty namespaceSelector matches every namespace');
  });

  it('the gateway unreachable from the ingress controller, a projector reachable from it, Prometheus locked out', () => {
    const out = mutate((o) => {
      const np = find(o, 'NetworkPolicy', 'allow-gateway-from-ingress');
      np.spec.podSelector = { matchLabels: { 'app.kubernetes.io/component': 'projector' } };
      np.spec.ingress[0].ports[0].port = 'metrics';
      find(o, 'NetworkPolicy', 'allow-metrics-from-prometheus').spec.ingress[0].from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name'] = 'prometheus';
    });
    expect(out).toContain('Deployment/gateway: NetworkPolicies do not let the ingress controller (namespace ingress-nginx) reach port 3000');
    expect(out).toContain('Deployment/history-projector: NetworkPolicies let the ingress controller reach it; only the gateway is public');
    expect(out).toContain('NetworkPolicy/allow-gateway-from-ingress: lets a peer other than Prometheus reach projector history-projector');
    expect(out).toContain('Deployment/wallet: NetworkPolicies do not let Prometheus (namespace monitoring) scrape port 3003');
    expect(out).toContain('Ingress/cep: path /: NetworkPolicies block the ingress controller from gateway:http');
  });

  it('an Ingress host without TLS, a path to a Service that is not rendered, no TLS certificate source', () => {
    const out = mutate((o) => {
      const ing = find(o, 'Ingress', 'cep');
      ing.spec.rules.push({ host: 'console.example.com', http: { paths: [{ path: '/console', pathType: 'Prefix', backend: { service: { name: 'console', port: { name: 'http' } } } }] } });
      delete ing.metadata.annotations['cert-manager.io/cluster-issuer'];
    });
    expect(out).toContain('Ingress/cep: host console.example.com is not covered by spec.tls');
    expect(out).toContain('Ingress/cep: path /console: backend Service console is not rendered');
    expect(out).toContain('Ingress/cep: TLS Secret cep-tls is neither issued by cert-manager (annotation) nor rendered/declared external');
  });

  it('a workload out of the rolling-upgrade order', () => {
    const out = mutate((o) => {
      find(o, 'Deployment', 'gateway').metadata.annotations['argocd.argoproj.io/sync-wave'] = '0';
      find(o, 'Deployment', 'issuer').metadata.labels['app.kubernetes.io/component'] = 'api';
    });
    expect(out).toContain('Deployment/gateway: argocd sync-wave is 0, the upgrade step "gateway" is wave 2');
    expect(out).toContain('Deployment/issuer: component label api is in no step of the rolling upgrade');
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
