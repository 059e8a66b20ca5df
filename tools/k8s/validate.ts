/**
 * Static validation of the Kubernetes manifests (no cluster, no network).
 *
 *  1. renders each Kustomize target (k8s/base, k8s/overlays/{dev,prod,strimzi}) with `kubectl kustomize`
 *     (or a standalone `kustomize build` when kubectl is missing; KUSTOMIZE_BIN=/path/to/kustomize forces it);
 *  2. validates every rendered object against the Kubernetes OpenAPI JSON schemas shipped, precompiled for ajv,
 *     by the npm packages `kubernetes-models` (core kinds, NetworkPolicy, Ingress), `@kubernetes-models/keda`
 *     (ScaledObject, TriggerAuthentication) and `@kubernetes-models/prometheus-operator` (ServiceMonitor,
 *     PrometheusRule); Strimzi's KafkaTopic/KafkaUser against the JSON Schemas of tools/k8s/strimzi.ts;
 *  3. cross-checks what a schema cannot see: selectors vs pod labels, probe and Service ports vs container ports,
 *     env references vs ConfigMap/Secret keys, security context, autoscaler targets, KEDA triggers and replica
 *     bounds vs the topics' partitions, PDBs, NetworkPolicy flows per pod, Ingress TLS and backends, Strimzi
 *     topics/users/ACLs vs the catalogue, the rolling-upgrade order, and that every app of
 *     tools/k8s/app-catalogue.ts is deployed.
 *
 *   node -r @swc-node/register tools/k8s/validate.ts      (prints findings; exit 1 if any)
 *   npx jest -c jest.unit.config.js tools/k8s             (the same, as unit tests)
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { loadAll } from 'js-yaml';
import { partitionsFor, type TopicName } from '@cep/contracts';
import {
  APPS,
  COMMANDS,
  CONFIG_MAP,
  NAMESPACE,
  PROJECTOR_GRACE_SECONDS,
  SECRET,
  SECRET_KEYS,
} from './app-catalogue';
import { kafkaAccess, platformTopics, projectorMaxReplicas, projectorTopics } from './kafka-access';
import { aclsFor, CLUSTER_CA_SECRET, kafkaUserName, MIN_INSYNC_REPLICAS, STRIMZI_CLUSTER, STRIMZI_SCHEMAS, TOPIC_REPLICAS } from './strimzi';

export const REPO_ROOT = path.resolve(__dirname, '../..');

/** A Kubernetes object as parsed from YAML. */
export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [k: string]: any }; [k: string]: any };

export interface Finding {
  target: string;
  /** Kind/name of the object concerned (or "-" for target-wide findings). */
  object: string;
  message: string;
}

export interface RenderTarget {
  name: string;
  /** Kustomization directory, relative to the repository root. */
  dir: string;
  /** KEDA ScaledObjects for the projectors and an HPA for the gateway are expected (false: none may be rendered). */
  autoscaling: boolean;
  /** Secrets that exist in the cluster but are not rendered (name -> keys they must provide). */
  externalSecrets: Record<string, readonly string[]>;
  /** Every image must carry an explicit tag other than `latest` (or a digest). */
  pinnedImages: boolean;
  /** The monitoring component is included: a ServiceMonitor per app, the PrometheusRule, the Grafana dashboard. */
  monitoring: boolean;
  /**
   * Kafka is run by Strimzi: topics are KafkaTopic resources (no create-topics Job) and each Kafka-using app logs in
   * as its own KafkaUser with least-privilege ACLs (tools/k8s/strimzi.ts). False: neither kind may be rendered.
   */
  strimzi?: boolean;
}

export const TARGETS: readonly RenderTarget[] = [
  { name: 'base', dir: 'k8s/base', autoscaling: true, externalSecrets: { [SECRET]: SECRET_KEYS }, pinnedImages: false, monitoring: false },
  { name: 'dev', dir: 'k8s/overlays/dev', autoscaling: false, externalSecrets: {}, pinnedImages: true, monitoring: false },
  { name: 'prod', dir: 'k8s/overlays/prod', autoscaling: true, externalSecrets: { [SECRET]: SECRET_KEYS }, pinnedImages: true, monitoring: true },
  {
    name: 'strimzi',
    dir: 'k8s/overlays/strimzi',
    autoscaling: true,
    // Created by Strimzi's User Operator (one per KafkaUser) and the cluster CA Secret copied from the Kafka namespace.
    externalSecrets: {
      [SECRET]: SECRET_KEYS,
      [CLUSTER_CA_SECRET]: ['ca.crt'],
      ...Object.fromEntries(APPS.map((a) => [kafkaUserName(a.name), ['password', 'sasl.jaas.config']])),
    },
    pinnedImages: true,
    monitoring: true,
    strimzi: true,
  },
];

// ---------------------------------------------------------------------------------------------------- rendering

interface Renderer {
  describe: string;
  render(dir: string): string;
}

function runs(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

let cachedRenderer: Renderer | undefined;

/** kubectl's built-in kustomize, else a standalone kustomize binary; throws when neither is installed. */
export function findRenderer(): Renderer {
  if (cachedRenderer) return cachedRenderer;
  const forced = process.env.KUSTOMIZE_BIN;
  const exec = (cmd: string, args: string[]) =>
    execFileSync(cmd, args, { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
  if (forced) {
    cachedRenderer = { describe: `${forced} build`, render: (dir) => exec(forced, ['build', dir]) };
  } else if (runs('kubectl', ['version', '--client'])) {
    cachedRenderer = { describe: 'kubectl kustomize', render: (dir) => exec('kubectl', ['kustomize', dir]) };
  } else if (runs('kustomize', ['version'])) {
    cachedRenderer = { describe: 'kustomize build', render: (dir) => exec('kustomize', ['build', dir]) };
  } else {
    throw new Error('neither `kubectl` nor `kustomize` is on PATH: install kubectl >= 1.27 (or kustomize >= 5), or set KUSTOMIZE_BIN');
  }
  return cachedRenderer;
}

export function renderTarget(target: RenderTarget): K8sObject[] {
  let out: string;
  try {
    out = findRenderer().render(target.dir);
  } catch (err: any) {
    const stderr = err?.stderr ? String(err.stderr) : '';
    throw new Error(`rendering ${target.dir} failed: ${stderr || err?.message || err}`);
  }
  return parseManifests(out);
}

export function parseManifests(text: string): K8sObject[] {
  return (loadAll(text) as unknown[]).filter((d): d is K8sObject => d !== null && typeof d === 'object');
}

// ---------------------------------------------------------------------------------------------------- schemas

type ModelClass = new (data: any) => { validate(): void };

/** apiVersion/kind -> [module, export] of the model whose validate() runs the kind's JSON schema. Anything else is rejected. */
const MODEL_SOURCES: Record<string, [string, string]> = {
  'v1/Namespace': ['kubernetes-models/v1', 'Namespace'],
  'v1/ConfigMap': ['kubernetes-models/v1', 'ConfigMap'],
  'v1/Secret': ['kubernetes-models/v1', 'Secret'],
  'v1/Service': ['kubernetes-models/v1', 'Service'],
  'apps/v1/Deployment': ['kubernetes-models/apps/v1', 'Deployment'],
  'batch/v1/Job': ['kubernetes-models/batch/v1', 'Job'],
  'autoscaling/v2/HorizontalPodAutoscaler': ['kubernetes-models/autoscaling/v2', 'HorizontalPodAutoscaler'],
  'policy/v1/PodDisruptionBudget': ['kubernetes-models/policy/v1', 'PodDisruptionBudget'],
  'networking.k8s.io/v1/NetworkPolicy': ['kubernetes-models/networking.k8s.io/v1', 'NetworkPolicy'],
  'networking.k8s.io/v1/Ingress': ['kubernetes-models/networking.k8s.io/v1', 'Ingress'],
  'keda.sh/v1alpha1/ScaledObject': ['@kubernetes-models/keda/keda.sh/v1alpha1', 'ScaledObject'],
  'keda.sh/v1alpha1/TriggerAuthentication': ['@kubernetes-models/keda/keda.sh/v1alpha1', 'TriggerAuthentication'],
  'monitoring.coreos.com/v1/ServiceMonitor': ['@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1', 'ServiceMonitor'],
  'monitoring.coreos.com/v1/PrometheusRule': ['@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1', 'PrometheusRule'],
};

export const SUPPORTED_KINDS = Object.keys(MODEL_SOURCES);

let models: Record<string, ModelClass> | undefined;

/** Loaded lazily with require() so that only the validation, not the repository's type-check, needs the packages. */
function loadModels(): Record<string, ModelClass> {
  if (models) return models;
  const loaded: Record<string, ModelClass> = {};
  for (const [key, [mod, name]] of Object.entries(MODEL_SOURCES)) {
    try {
      loaded[key] = require(mod)[name];
    } catch (err: any) {
      throw new Error(
        `cannot load ${mod} (${err?.message}): the schema validation needs the dev dependencies kubernetes-models, @kubernetes-models/keda and @kubernetes-models/prometheus-operator`,
      );
    }
    if (typeof loaded[key] !== 'function') throw new Error(`${mod} does not export ${name}`);
  }
  return (models = loaded);
}

const CLUSTER_SCOPED = new Set(['Namespace']);

function ref(o: K8sObject): string {
  return `${o?.kind ?? '?'}/${o?.metadata?.name ?? '?'}`;
}

type JsonSchemaValidators = Record<string, (o: unknown) => { instancePath: string; message?: string; params?: any }[]>;
let jsonSchemaValidators: JsonSchemaValidators | undefined;

/** ajv validators for the kinds without a kubernetes-models package (Strimzi: STRIMZI_SCHEMAS of tools/k8s/strimzi.ts). */
function loadJsonSchemas(): JsonSchemaValidators {
  if (jsonSchemaValidators) return jsonSchemaValidators;
  const Ajv = require('ajv').default;
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  const out: JsonSchemaValidators = {};
  for (const [key, schema] of Object.entries(STRIMZI_SCHEMAS)) {
    const validate = ajv.compile(schema);
    out[key] = (o: unknown) => (validate(o) ? [] : (validate.errors ?? []));
  }
  return (jsonSchemaValidators = out);
}

export function schemaFindings(target: string, objects: K8sObject[]): Finding[] {
  const findings: Finding[] = [];
  for (const o of objects) {
    const key = `${o.apiVersion}/${o.kind}`;
    const jsonSchema = loadJsonSchemas()[key];
    if (jsonSchema) {
      for (const e of jsonSchema(o)) {
        const extra = e.params?.missingProperty ? ` (${e.params.missingProperty})` : e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : e.params?.allowedValues ? ` (${e.params.allowedValues.join('|')})` : '';
        findings.push({ target, object: ref(o), message: `schema: ${e.instancePath || '/'} ${e.message}${extra}` });
      }
      continue;
    }
    const Model = loadModels()[key];
    if (!Model) {
      findings.push({ target, object: ref(o), message: `no schema for ${key} (supported: ${[...SUPPORTED_KINDS, ...Object.keys(STRIMZI_SCHEMAS)].join(', ')})` });
      continue;
    }
    try {
      new Model(o).validate();
    } catch (err: any) {
      const errors: any[] = Array.isArray(err?.errors) ? err.errors : [];
      if (!errors.length) findings.push({ target, object: ref(o), message: `schema: ${err?.message ?? err}` });
      for (const e of errors) {
        const extra = e.params?.missingProperty ? ` (${e.params.missingProperty})` : e.params?.allowedValues ? ` (${e.params.allowedValues.join('|')})` : '';
        findings.push({ target, object: ref(o), message: `schema: ${e.instancePath || '/'} ${e.message}${extra}` });
      }
    }
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------------- cross-checks

function labelsMatch(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector || !Object.keys(selector).length) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

function imageParts(image: string): { repository: string; tag?: string; digest?: string } {
  const [withoutDigest, digest] = image.split('@');
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  if (colon > lastSlash) return { repository: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1), digest };
  return { repository: withoutDigest, digest };
}

/** Port of a container referenced by name or number (probes, Service targetPort). */
function containerHasPort(containers: any[], port: string | number): boolean {
  return containers.some((c) =>
    (c.ports ?? []).some((p: any) => (typeof port === 'number' ? p.containerPort === port : p.name === port || String(p.containerPort) === port)),
  );
}

/**
 * Steps of a rolling upgrade (docs/operations.md "Rolling upgrade"), in order: the components whose objects each
 * step applies (`kubectl apply -l 'app.kubernetes.io/component in (...)'`) and the Argo CD sync wave of their
 * workloads. Everything without one of these components (namespace, config, NetworkPolicies, Kafka users/topics,
 * monitoring) is applied before them.
 */
export const UPGRADE_STEPS = [
  { name: 'migrations', components: ['migration', 'kafka-topics'], wave: -1 },
  { name: 'projectors', components: ['projector'], wave: 0 },
  { name: 'producers', components: ['producer'], wave: 1 },
  { name: 'gateway', components: ['gateway'], wave: 2 },
] as const satisfies readonly { name: string; components: readonly string[]; wave: number }[];

/** Namespaces (kubernetes.io/metadata.name) of the peers the NetworkPolicies of every target must admit. */
export const NETWORK_PEERS = { ingressController: 'ingress-nginx', prometheus: 'monitoring' } as const;

/** A label selector (matchLabels + matchExpressions) against labels; an empty selector matches everything. */
export function selectorMatches(selector: any, labels: Record<string, string> | undefined): boolean {
  if (!selector) return true;
  const l = labels ?? {};
  if (!Object.entries(selector.matchLabels ?? {}).every(([k, v]) => l[k] === v)) return false;
  return (selector.matchExpressions ?? []).every((e: any) => {
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    switch (e.operator) {
      case 'In':
        return has && (e.values ?? []).includes(l[e.key]);
      case 'NotIn':
        return !has || !(e.values ?? []).includes(l[e.key]);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      default:
        return false;
    }
  });
}

/** host:port pairs of a comma-separated broker list (port 9092 when absent). */
export function brokerPorts(brokers: string | undefined): number[] {
  return [...new Set((brokers ?? '').split(',').map((b) => b.trim()).filter(Boolean).map((b) => Number(/:(\d+)$/.exec(b)?.[1] ?? 9092)))];
}

interface PodUnderPolicy {
  owner: K8sObject;
  labels: Record<string, string>;
  containers: any[];
}

/** A NetworkPolicy port entry matches a numeric port (named ports resolved against the pod's containers). */
function policyPortMatches(entry: any, port: number, protocol: string, containers: any[]): boolean {
  if ((entry.protocol ?? 'TCP') !== protocol) return false;
  if (entry.port === undefined) return true;
  if (typeof entry.port === 'number') return entry.endPort !== undefined ? port >= entry.port && port <= entry.endPort : entry.port === port;
  return containers.some((c) => (c.ports ?? []).some((p: any) => p.name === entry.port && p.containerPort === port));
}

class Checker {
  readonly findings: Finding[] = [];
  private readonly byKind = new Map<string, K8sObject[]>();

  constructor(
    private readonly target: RenderTarget,
    private readonly objects: K8sObject[],
  ) {
    for (const o of objects) {
      const list = this.byKind.get(o.kind) ?? [];
      list.push(o);
      this.byKind.set(o.kind, list);
    }
  }

  private fail(o: K8sObject | string, message: string): void {
    this.findings.push({ target: this.target.name, object: typeof o === 'string' ? o : ref(o), message });
  }

  private all(kind: string): K8sObject[] {
    return this.byKind.get(kind) ?? [];
  }

  private find(kind: string, name: string): K8sObject | undefined {
    return this.all(kind).find((o) => o.metadata?.name === name);
  }

  /** The rendered ConfigMap a workload refers to for `cep-config` (the generator adds a hash suffix). */
  private configMap(name: string): K8sObject | undefined {
    return this.find('ConfigMap', name);
  }

  private secretKeys(name: string): readonly string[] | undefined {
    const s = this.find('Secret', name);
    if (s) return [...Object.keys(s.data ?? {}), ...Object.keys(s.stringData ?? {})];
    return this.target.externalSecrets[name];
  }

  /** Environment a container sees: literal env, env from ConfigMaps (values known) and Secrets (values unknown). */
  private containerEnv(c: any): Map<string, string | undefined> {
    const env = new Map<string, string | undefined>();
    for (const src of c.envFrom ?? []) {
      const prefix = src.prefix ?? '';
      if (src.configMapRef) for (const [k, v] of Object.entries(this.configMap(src.configMapRef.name)?.data ?? {})) env.set(prefix + k, String(v));
      if (src.secretRef) for (const k of this.secretKeys(src.secretRef.name) ?? []) env.set(prefix + k, undefined);
    }
    for (const e of c.env ?? []) {
      if (e.valueFrom?.configMapKeyRef) env.set(e.name, this.configMap(e.valueFrom.configMapKeyRef.name)?.data?.[e.valueFrom.configMapKeyRef.key]);
      else env.set(e.name, e.value);
    }
    return env;
  }

  run(): Finding[] {
    this.checkIdentity();
    for (const o of [...this.all('Deployment'), ...this.all('Job')]) this.checkPodTemplate(o);
    this.checkConfigAndSecrets();
    this.checkDeployments();
    this.checkServices();
    this.checkDisruptionBudgets();
    this.checkAutoscaling();
    this.checkJobs();
    this.checkMonitoring();
    this.checkNetworkPolicies();
    this.checkIngress();
    this.checkStrimzi();
    this.checkUpgradeOrder();
    return this.findings;
  }

  private checkIdentity(): void {
    const seen = new Set<string>();
    for (const o of this.objects) {
      if (!o.metadata?.name) {
        this.fail(o, 'metadata.name is missing');
        continue;
      }
      const id = `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
      if (seen.has(id)) this.fail(o, 'defined twice');
      seen.add(id);
      if (CLUSTER_SCOPED.has(o.kind)) {
        if (o.metadata.namespace) this.fail(o, 'cluster-scoped object must not set metadata.namespace');
      } else if (o.metadata.namespace !== NAMESPACE) {
        this.fail(o, `namespace is ${o.metadata.namespace ?? '(none)'}, expected ${NAMESPACE}`);
      }
      if (!o.metadata.labels?.['app.kubernetes.io/part-of']) this.fail(o, 'label app.kubernetes.io/part-of is missing');
    }
    if (!this.find('Namespace', NAMESPACE)) this.fail('-', `Namespace ${NAMESPACE} is not rendered`);
  }

  private checkPodTemplate(o: K8sObject): void {
    const spec = o.spec?.template?.spec;
    if (!spec) return; // the schema reports it
    const containers: any[] = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
    const volumes = new Set((spec.volumes ?? []).map((v: any) => v.name));
    const podSc = spec.securityContext ?? {};
    if (spec.automountServiceAccountToken !== false) this.fail(o, 'automountServiceAccountToken must be false (the apps never call the API server)');
    if (podSc.seccompProfile?.type !== 'RuntimeDefault') this.fail(o, 'pod securityContext.seccompProfile.type must be RuntimeDefault');
    for (const c of containers) {
      const where = `container ${c.name}`;
      const sc = c.securityContext ?? {};
      if (sc.runAsNonRoot !== true && podSc.runAsNonRoot !== true) this.fail(o, `${where}: runAsNonRoot must be true`);
      if ((sc.runAsUser ?? podSc.runAsUser) === 0) this.fail(o, `${where}: runs as uid 0`);
      if (sc.readOnlyRootFilesystem !== true) this.fail(o, `${where}: securityContext.readOnlyRootFilesystem must be true`);
      if (sc.allowPrivilegeEscalation !== false) this.fail(o, `${where}: securityContext.allowPrivilegeEscalation must be false`);
      if (sc.privileged === true) this.fail(o, `${where}: must not be privileged`);
      if (!(sc.capabilities?.drop ?? []).includes('ALL')) this.fail(o, `${where}: securityContext.capabilities.drop must include ALL`);
      if ((sc.capabilities?.add ?? []).length) this.fail(o, `${where}: must not add capabilities`);
      for (const kind of ['requests', 'limits'] as const)
        for (const res of ['cpu', 'memory'])
          if (c.resources?.[kind]?.[res] === undefined) this.fail(o, `${where}: resources.${kind}.${res} is not set`);
      for (const m of c.volumeMounts ?? []) if (!volumes.has(m.name)) this.fail(o, `${where}: volumeMount ${m.name} has no volume`);
      if (!c.image) this.fail(o, `${where}: no image`);
      else if (this.target.pinnedImages) {
        const img = imageParts(c.image);
        if (!img.digest && (!img.tag || img.tag === 'latest')) this.fail(o, `${where}: image ${c.image} must be pinned to a tag other than latest`);
      }
      // References to ConfigMaps and Secrets.
      for (const src of c.envFrom ?? []) {
        if (src.configMapRef && !src.configMapRef.optional && !this.configMap(src.configMapRef.name))
          this.fail(o, `${where}: envFrom ConfigMap ${src.configMapRef.name} does not exist`);
        if (src.secretRef && !src.secretRef.optional && !this.secretKeys(src.secretRef.name))
          this.fail(o, `${where}: envFrom Secret ${src.secretRef.name} is neither rendered nor declared external`);
      }
      for (const e of c.env ?? []) {
        const cmRef = e.valueFrom?.configMapKeyRef;
        if (cmRef && !cmRef.optional && !(cmRef.key in (this.configMap(cmRef.name)?.data ?? {})))
          this.fail(o, `${where}: env ${e.name} refers to missing key ${cmRef.key} of ConfigMap ${cmRef.name}`);
        const sRef = e.valueFrom?.secretKeyRef;
        if (sRef && !sRef.optional && !(this.secretKeys(sRef.name) ?? []).includes(sRef.key))
          this.fail(o, `${where}: env ${e.name} refers to missing key ${sRef.key} of Secret ${sRef.name}`);
      }
      // Probes must target a declared container port.
      for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
        const p = c[probe];
        const port = p?.httpGet?.port ?? p?.tcpSocket?.port ?? p?.grpc?.port;
        if (p && port !== undefined && !containerHasPort([c], port)) this.fail(o, `${where}: ${probe} port ${port} is not a port of the container`);
      }
    }
  }

  private checkConfigAndSecrets(): void {
    const cms = this.all('ConfigMap');
    if (!cms.some((c) => c.metadata.name === CONFIG_MAP || c.metadata.name.startsWith(`${CONFIG_MAP}-`)))
      this.fail('-', `ConfigMap ${CONFIG_MAP} is not rendered`);
    for (const cm of cms) {
      for (const key of Object.keys(cm.data ?? {})) {
        if ((SECRET_KEYS as readonly string[]).includes(key) || /PASSWORD|SECRET|TOKEN/i.test(key)) this.fail(cm, `key ${key} looks secret: put it in Secret ${SECRET}`);
      }
      if (cm.data?.TZ !== undefined && cm.data.TZ !== 'UTC') this.fail(cm, `TZ must be UTC, is ${cm.data.TZ}`);
    }
    for (const [name, keys] of Object.entries(this.target.externalSecrets)) {
      if (this.find('Secret', name)) this.fail(`Secret/${name}`, 'declared external for this target but also rendered (it would overwrite the managed one)');
      if (name === SECRET && SECRET_KEYS.some((k) => !keys.includes(k))) this.fail(`Secret/${name}`, `external declaration lacks keys of ${SECRET_KEYS.join(', ')}`);
    }
    const rendered = this.find('Secret', SECRET);
    if (rendered) {
      const keys = this.secretKeys(SECRET) ?? [];
      for (const k of SECRET_KEYS) if (!keys.includes(k)) this.fail(rendered, `key ${k} is missing`);
    } else if (!this.target.externalSecrets[SECRET]) {
      this.fail('-', `Secret ${SECRET} is neither rendered nor declared external`);
    }
  }

  private checkDeployments(): void {
    for (const d of this.all('Deployment')) {
      const sel = d.spec?.selector;
      if (sel?.matchExpressions?.length) this.fail(d, 'selector.matchExpressions is not supported by these checks; use matchLabels');
      if (!labelsMatch(sel?.matchLabels, d.spec?.template?.metadata?.labels)) this.fail(d, 'selector.matchLabels does not match the pod template labels');
      for (const c of d.spec?.template?.spec?.containers ?? []) {
        if (!c.readinessProbe?.httpGet) this.fail(d, `container ${c.name}: readinessProbe (httpGet) is missing`);
        else if (c.readinessProbe.httpGet.path !== '/health/ready') this.fail(d, `container ${c.name}: readinessProbe path must be /health/ready`);
        if (!c.livenessProbe?.httpGet) this.fail(d, `container ${c.name}: livenessProbe (httpGet) is missing`);
        else if (c.livenessProbe.httpGet.path !== '/health/live') this.fail(d, `container ${c.name}: livenessProbe path must be /health/live`);
      }
    }
    for (const app of APPS) {
      const d = this.find('Deployment', app.name);
      if (!d) {
        this.fail(`Deployment/${app.name}`, 'missing: every app of tools/k8s/app-catalogue.ts needs a Deployment');
        continue;
      }
      const spec = d.spec?.template?.spec ?? {};
      const c = (spec.containers ?? []).find((x: any) => x.name === app.name);
      if (!c) {
        this.fail(d, `no container named ${app.name}`);
        continue;
      }
      const repo = c.image ? imageParts(c.image).repository : '';
      if (repo.split('/').pop() !== app.name) this.fail(d, `image ${c.image} is not the ${app.name} image (built with APP=${app.name})`);
      if (!containerHasPort([c], app.httpPort)) this.fail(d, `container port ${app.httpPort} is not declared`);
      for (const probe of ['readinessProbe', 'livenessProbe']) {
        const port = c[probe]?.httpGet?.port;
        const resolved = typeof port === 'number' ? port : (c.ports ?? []).find((p: any) => p.name === port)?.containerPort;
        if (port !== undefined && resolved !== app.httpPort) this.fail(d, `${probe} must probe port ${app.httpPort}, probes ${port}`);
      }
      const env = this.containerEnv(c);
      const portVar = app.kind === 'projector' ? 'METRICS_PORT' : 'PORT';
      if (env.get(portVar) !== String(app.httpPort)) this.fail(d, `env ${portVar} must be ${app.httpPort}, is ${env.get(portVar) ?? '(unset)'}`);
      for (const k of ['DATABASE_URL', 'AUTH_JWT_SECRET', 'KAFKA_BROKERS', 'KAFKA_CLIENT_ID', 'NODE_ENV', 'TZ'])
        if (!env.has(k)) this.fail(d, `env ${k} is not provided`);
      if (env.has('TZ') && env.get('TZ') !== 'UTC') this.fail(d, `TZ must be UTC`);
      if (app.kind === 'projector' && spec.terminationGracePeriodSeconds !== PROJECTOR_GRACE_SECONDS)
        this.fail(d, `terminationGracePeriodSeconds must be ${PROJECTOR_GRACE_SECONDS} for projectors, is ${spec.terminationGracePeriodSeconds ?? '(default 30)'}`);
      const services = this.all('Service').filter((s) => labelsMatch(s.spec?.selector, d.spec?.template?.metadata?.labels));
      if (!services.length) this.fail(d, 'no Service selects its pods');
      if (app.kind === 'projector' && !services.some((s) => (s.spec?.ports ?? []).some((p: any) => p.port === app.httpPort && p.name === 'metrics')))
        this.fail(d, `no Service exposes the metrics port ${app.httpPort} (named "metrics")`);
    }
  }

  private checkServices(): void {
    for (const s of this.all('Service')) {
      const pods = this.all('Deployment').filter((d) => labelsMatch(s.spec?.selector, d.spec?.template?.metadata?.labels));
      if (!pods.length) {
        this.fail(s, 'selector matches no Deployment pod template');
        continue;
      }
      for (const p of s.spec?.ports ?? []) {
        const targetPort = p.targetPort ?? p.port;
        for (const d of pods)
          if (!containerHasPort(d.spec.template.spec.containers ?? [], targetPort))
            this.fail(s, `port ${p.name ?? p.port}: targetPort ${targetPort} is not a container port of Deployment ${d.metadata.name}`);
      }
    }
  }

  private checkDisruptionBudgets(): void {
    for (const pdb of this.all('PodDisruptionBudget')) {
      if (!this.all('Deployment').some((d) => labelsMatch(pdb.spec?.selector?.matchLabels, d.spec?.template?.metadata?.labels)))
        this.fail(pdb, 'selector matches no Deployment pod template');
      if (pdb.spec?.minAvailable !== undefined && pdb.spec?.maxUnavailable !== undefined) this.fail(pdb, 'set either minAvailable or maxUnavailable');
    }
    for (const app of APPS) {
      const d = this.find('Deployment', app.name);
      if (d && !this.all('PodDisruptionBudget').some((p) => labelsMatch(p.spec?.selector?.matchLabels, d.spec?.template?.metadata?.labels)))
        this.fail(d, `${app.kind} has no PodDisruptionBudget`);
    }
  }

  private checkAutoscaling(): void {
    const hpas = this.all('HorizontalPodAutoscaler');
    const scaled = this.all('ScaledObject');
    if (!this.target.autoscaling) {
      for (const o of [...hpas, ...scaled]) this.fail(o, `target ${this.target.name} renders no autoscalers`);
      return;
    }
    const scaledTargets = new Map<string, string>();
    const note = (kind: string, name: string, by: string) => {
      const prev = scaledTargets.get(`${kind}/${name}`);
      if (prev) this.fail(`${kind}/${name}`, `scaled by both ${prev} and ${by}`);
      scaledTargets.set(`${kind}/${name}`, by);
    };
    for (const h of hpas) {
      const t = h.spec?.scaleTargetRef ?? {};
      if (t.kind !== 'Deployment' || !this.find('Deployment', t.name)) this.fail(h, `scaleTargetRef ${t.kind}/${t.name} is not a rendered Deployment`);
      if ((h.spec?.minReplicas ?? 1) > h.spec?.maxReplicas) this.fail(h, 'minReplicas > maxReplicas');
      if (!(h.spec?.metrics ?? []).some((m: any) => m.type === 'Resource' && m.resource?.name === 'cpu')) this.fail(h, 'no CPU metric');
      note(t.kind, t.name, ref(h));
    }
    // Partition counts as the rendered config sets them (KAFKA_PARTITIONS, KAFKA_PARTITIONS_<TOPIC>; create-topics reads the same).
    const configEnv: NodeJS.ProcessEnv = { ...(this.all('ConfigMap').find((c) => c.metadata.name.startsWith(`${CONFIG_MAP}-`) || c.metadata.name === CONFIG_MAP)?.data ?? {}) };
    for (const so of scaled) {
      const t = so.spec?.scaleTargetRef ?? {};
      const kind = t.kind ?? 'Deployment';
      const d = kind === 'Deployment' ? this.find('Deployment', t.name) : undefined;
      if (!d) {
        this.fail(so, `scaleTargetRef ${kind}/${t.name} is not a rendered Deployment`);
        continue;
      }
      note(kind, t.name, ref(so));
      const min = so.spec?.minReplicaCount ?? 0;
      const max = so.spec?.maxReplicaCount ?? 100;
      if (min < 1) this.fail(so, 'minReplicaCount must be >= 1 (projectors are not scaled to zero)');
      if (min > max) this.fail(so, 'minReplicaCount > maxReplicaCount');
      const container = (d.spec.template.spec.containers ?? []).find((c: any) => c.name === (t.envSourceContainerName ?? c.name));
      const env = container ? this.containerEnv(container) : new Map<string, string | undefined>();
      const kafka = (so.spec?.triggers ?? []).filter((tr: any) => tr.type === 'kafka');
      if (!kafka.length) this.fail(so, 'no kafka trigger');
      const app = APPS.find((a) => a.name === t.name);
      if (app?.kind === 'projector') this.checkProjectorScaling(so, app.name, kafka, max, configEnv);
      for (const tr of kafka) {
        const md = tr.metadata ?? {};
        if (app?.consumerGroup && md.consumerGroup !== app.consumerGroup) this.fail(so, `consumerGroup is ${md.consumerGroup}, the app uses ${app.consumerGroup}`);
        if (!/^[1-9]\d*$/.test(String(md.lagThreshold ?? ''))) this.fail(so, 'lagThreshold must be a positive integer string');
        if (md.bootstrapServersFromEnv) {
          if (!env.get(md.bootstrapServersFromEnv)) this.fail(so, `bootstrapServersFromEnv ${md.bootstrapServersFromEnv} is not set in the target container`);
        } else if (!md.bootstrapServers) this.fail(so, 'neither bootstrapServers nor bootstrapServersFromEnv is set');
        if (String(md.allowIdleConsumers ?? 'false') !== 'false') this.fail(so, 'allowIdleConsumers must be "false" (KEDA then never scales past the partitions)');
        // Auth parameters KEDA gets: trigger metadata, then the TriggerAuthentication (env values are resolved).
        const auth = new Map<string, string | undefined>();
        for (const p of ['sasl', 'tls', 'username', 'password']) if (md[p] !== undefined) auth.set(p, String(md[p]));
        if (tr.authenticationRef) {
          const ta = this.find(tr.authenticationRef.kind ?? 'TriggerAuthentication', tr.authenticationRef.name);
          if (!ta) this.fail(so, `authenticationRef ${tr.authenticationRef.name} is not rendered`);
          else {
            for (const s of ta.spec?.secretTargetRef ?? []) {
              if (!(this.secretKeys(s.name) ?? []).includes(s.key)) this.fail(ta, `secretTargetRef ${s.parameter}: Secret ${s.name} has no key ${s.key}`);
              auth.set(s.parameter, undefined);
            }
            for (const e of ta.spec?.env ?? []) {
              if (!env.has(e.name)) this.fail(ta, `env ${e.name} (${e.parameter}) is not set in ${t.name}'s container`);
              auth.set(e.parameter, env.get(e.name));
            }
          }
        }
        // KEDA must connect the way the apps do.
        const mechanism = env.get('KAFKA_SASL_MECHANISM');
        const kedaSasl: Record<string, string> = { plain: 'plaintext', 'scram-sha-256': 'scram_sha256', 'scram-sha-512': 'scram_sha512', oauthbearer: 'oauthbearer' };
        if (mechanism) {
          if (!auth.has('sasl')) this.fail(so, `the apps use SASL ${mechanism} but the kafka trigger sets no sasl (authenticationRef)`);
          else if (auth.get('sasl') !== undefined && auth.get('sasl') !== kedaSasl[mechanism])
            this.fail(so, `KEDA sasl is ${auth.get('sasl')}, the apps use ${mechanism} (= ${kedaSasl[mechanism]})`);
          if (mechanism !== 'oauthbearer' && !(auth.has('username') && auth.has('password'))) this.fail(so, 'SASL needs username and password parameters');
        } else if (auth.get('sasl') && auth.get('sasl') !== 'none') {
          this.fail(so, `KEDA uses SASL ${auth.get('sasl')} but the apps do not (KAFKA_SASL_MECHANISM unset)`);
        }
        const appTls = env.get('KAFKA_SSL') === 'true';
        if (appTls !== (auth.get('tls') === 'enable') && !(auth.has('tls') && auth.get('tls') === undefined))
          this.fail(so, `KEDA tls is ${auth.get('tls') ?? '(unset)'} but the apps have KAFKA_SSL=${env.get('KAFKA_SSL') ?? '(unset)'}`);
      }
    }
    for (const [id] of scaledTargets) {
      const d = this.find('Deployment', id.split('/')[1]);
      if (d?.spec?.replicas !== undefined) this.fail(d, 'sets spec.replicas although an autoscaler owns it (each apply would reset the scale)');
    }
    for (const app of APPS) {
      const id = `Deployment/${app.name}`;
      const by = scaledTargets.get(id);
      if (app.kind === 'projector' && !by?.startsWith('ScaledObject/')) this.fail(id, 'projector has no KEDA ScaledObject');
      if (app.kind === 'gateway' && !by?.startsWith('HorizontalPodAutoscaler/')) this.fail(id, 'gateway has no HorizontalPodAutoscaler');
    }
  }

  /**
   * The documented bound (docs/deployment.md "Scaling"): one kafka trigger per topic the projection subscribes to,
   * each naming its topic (without `topic` KEDA caps at the partitions of ALL the group's topics), and
   * maxReplicaCount equal to the most partitions any one of those topics has under the rendered config.
   */
  private checkProjectorScaling(so: K8sObject, app: string, triggers: any[], max: number, configEnv: NodeJS.ProcessEnv): void {
    const expected = projectorTopics(app);
    const topics: string[] = triggers.map((tr) => tr.metadata?.topic).filter((x: unknown): x is string => typeof x === 'string' && x !== '');
    if (topics.length < triggers.length)
      this.fail(so, 'a kafka trigger sets no topic: KEDA would then cap at the partitions of all the group\'s topics, not of one');
    const dup = topics.filter((x, i) => topics.indexOf(x) !== i);
    if (dup.length) this.fail(so, `several triggers for topic(s) ${[...new Set(dup)].join(', ')}`);
    const missing = expected.filter((x) => !topics.includes(x));
    const extra = topics.filter((x) => !expected.includes(x));
    if (missing.length) this.fail(so, `no trigger for subscribed topic(s) ${missing.join(', ')} (the projection's topics: ${expected.join(', ')})`);
    if (extra.length) this.fail(so, `trigger(s) for topic(s) ${extra.join(', ')} the projection does not subscribe to`);
    let bound: number;
    try {
      bound = projectorMaxReplicas(app, configEnv);
    } catch (err: any) {
      this.fail(so, `partition counts of the config: ${err?.message ?? err}`);
      return;
    }
    if (max !== bound)
      this.fail(
        so,
        `maxReplicaCount is ${max}, must be ${bound}: the most partitions of one of its topics (${expected.map((x) => `${x}=${partitionsFor(x as TopicName, configEnv)}`).join(', ')})`,
      );
  }

  private checkJobs(): void {
    for (const cmd of COMMANDS) {
      const job = this.find('Job', cmd.job);
      if (cmd.name === 'create-topics' && this.target.strimzi) {
        if (job) this.fail(job, 'the Topic Operator manages the topics (KafkaTopic): no create-topics Job');
        continue;
      }
      if (!job) {
        this.fail(`Job/${cmd.job}`, `missing: the ${cmd.name} command runs as a Job`);
        continue;
      }
      const spec = job.spec?.template?.spec ?? {};
      if (!['Never', 'OnFailure'].includes(spec.restartPolicy)) this.fail(job, 'restartPolicy must be Never or OnFailure');
      if (job.spec?.backoffLimit === undefined) this.fail(job, 'backoffLimit is not set');
      if (job.spec?.activeDeadlineSeconds === undefined) this.fail(job, 'activeDeadlineSeconds is not set');
      const c = (spec.containers ?? [])[0];
      if (c?.image && imageParts(c.image).repository.split('/').pop() !== cmd.name) this.fail(job, `image ${c.image} is not the ${cmd.name} image (built with APP=${cmd.name})`);
      if (c) {
        const env = this.containerEnv(c);
        const needs = cmd.name === 'migrate' ? ['DATABASE_URL'] : ['KAFKA_BROKERS', 'KAFKA_PARTITIONS'];
        for (const k of needs) if (!env.has(k)) this.fail(job, `env ${k} is not provided`);
      }
    }
  }
  private podsUnderPolicy(): PodUnderPolicy[] {
    return [...this.all('Deployment'), ...this.all('Job')].map((o) => ({
      owner: o,
      labels: o.spec?.template?.metadata?.labels ?? {},
      containers: o.spec?.template?.spec?.containers ?? [],
    }));
  }

  private policiesFor(pod: PodUnderPolicy, type: 'Ingress' | 'Egress'): K8sObject[] {
    return this.all('NetworkPolicy').filter((np) => {
      const types: string[] = np.spec?.policyTypes ?? (type === 'Ingress' || np.spec?.egress ? ['Ingress', ...(np.spec?.egress ? ['Egress'] : [])] : []);
      return types.includes(type) && selectorMatches(np.spec?.podSelector ?? {}, pod.labels);
    });
  }

  /** Is traffic on port/protocol allowed to (Ingress) or from (Egress) the pod, optionally only from/to a namespace? */
  private allows(pod: PodUnderPolicy, type: 'Ingress' | 'Egress', port: number, protocol: string, namespace?: string): boolean {
    const key = type === 'Ingress' ? 'ingress' : 'egress';
    const peersKey = type === 'Ingress' ? 'from' : 'to';
    return this.policiesFor(pod, type).some((np) =>
      (np.spec?.[key] ?? []).some((rule: any) => {
        const ports: any[] = rule.ports ?? [];
        if (ports.length && !ports.some((e) => policyPortMatches(e, port, protocol, pod.containers))) return false;
        const peers: any[] = rule[peersKey] ?? [];
        if (!namespace) return true;
        return peers.some(
          (p) => p.namespaceSelector && selectorMatches(p.namespaceSelector, { 'kubernetes.io/metadata.name': namespace }) && Object.keys(p.namespaceSelector).length > 0,
        );
      }),
    );
  }

  /** Container ports the pod accepts traffic on, from any peer. */
  private checkNetworkPolicies(): void {
    const policies = this.all('NetworkPolicy');
    const denyAll = policies.find(
      (np) =>
        selectorMatches(np.spec?.podSelector ?? {}, {}) &&
        !Object.keys(np.spec?.podSelector?.matchLabels ?? {}).length &&
        !(np.spec?.podSelector?.matchExpressions ?? []).length &&
        ['Ingress', 'Egress'].every((t) => (np.spec?.policyTypes ?? []).includes(t)) &&
        !(np.spec?.ingress ?? []).length &&
        !(np.spec?.egress ?? []).length,
    );
    if (!denyAll) this.fail('NetworkPolicy/-', 'no default-deny policy (podSelector {}, policyTypes Ingress and Egress, no rules)');
    for (const np of policies) {
      for (const [key, peersKey] of [['ingress', 'from'], ['egress', 'to']] as const)
        for (const rule of np.spec?.[key] ?? []) {
          if (!(rule[peersKey] ?? []).length) this.fail(np, `an ${key} rule without "${peersKey}" admits every peer`);
          if (!(rule.ports ?? []).length) this.fail(np, `an ${key} rule without ports admits every port`);
          for (const peer of rule[peersKey] ?? [])
            if (peer.namespaceSelector && !Object.keys(peer.namespaceSelector).length) this.fail(np, `an ${key} peer with an empty namespaceSelector matches every namespace`);
        }
    }
    const configEnv = this.all('ConfigMap').find((c) => c.metadata.name.startsWith(`${CONFIG_MAP}-`) || c.metadata.name === CONFIG_MAP)?.data ?? {};
    const kafkaPorts = brokerPorts(configEnv.KAFKA_BROKERS);
    for (const pod of this.podsUnderPolicy()) {
      const name = pod.labels['app.kubernetes.io/name'];
      const app = APPS.find((a) => a.name === name);
      const usesKafka = (app && app.kind !== 'gateway') || name === 'create-topics';
      const usesDatabase = !!app || name === 'migrate';
      if (!this.allows(pod, 'Egress', 53, 'UDP') || !this.allows(pod, 'Egress', 53, 'TCP')) this.fail(pod.owner, 'NetworkPolicies allow no DNS egress (port 53 UDP and TCP)');
      for (const port of kafkaPorts) {
        const allowed = this.allows(pod, 'Egress', port, 'TCP');
        if (usesKafka && !allowed) this.fail(pod.owner, `NetworkPolicies allow no egress to the Kafka port ${port} (KAFKA_BROKERS)`);
        if (!usesKafka && allowed) this.fail(pod.owner, `NetworkPolicies allow egress to the Kafka port ${port}, which it does not use`);
      }
      if (usesDatabase && !this.allows(pod, 'Egress', 5432, 'TCP')) this.fail(pod.owner, 'NetworkPolicies allow no egress to PostgreSQL (5432)');
      if (!usesDatabase && this.allows(pod, 'Egress', 5432, 'TCP')) this.fail(pod.owner, 'NetworkPolicies allow egress to PostgreSQL, which it does not use');
      const env = pod.containers[0] ? this.containerEnv(pod.containers[0]) : new Map<string, string | undefined>();
      const jwks = env.get('AUTH_JWKS_URL');
      if (jwks && app && app.kind !== 'projector') {
        const url = new URL(jwks);
        const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
        if (!this.allows(pod, 'Egress', port, 'TCP')) this.fail(pod.owner, `NetworkPolicies allow no egress to AUTH_JWKS_URL (port ${port})`);
      }
      if (!app) {
        const open = pod.containers.flatMap((c) => c.ports ?? []).filter((p: any) => this.allows(pod, 'Ingress', p.containerPort, p.protocol ?? 'TCP'));
        if (open.length || this.policiesFor(pod, 'Ingress').some((np) => (np.spec?.ingress ?? []).length)) this.fail(pod.owner, 'a Job must accept no ingress');
        continue;
      }
      if (!this.allows(pod, 'Ingress', app.httpPort, 'TCP', NETWORK_PEERS.prometheus))
        this.fail(pod.owner, `NetworkPolicies do not let Prometheus (namespace ${NETWORK_PEERS.prometheus}) scrape port ${app.httpPort}`);
      const fromIngress = this.allows(pod, 'Ingress', app.httpPort, 'TCP', NETWORK_PEERS.ingressController);
      if (app.kind === 'gateway' && !fromIngress)
        this.fail(pod.owner, `NetworkPolicies do not let the ingress controller (namespace ${NETWORK_PEERS.ingressController}) reach port ${app.httpPort}`);
      if (app.kind !== 'gateway' && fromIngress) this.fail(pod.owner, 'NetworkPolicies let the ingress controller reach it; only the gateway is public');
      if (app.kind === 'projector') {
        // Projectors serve nothing but health and metrics: only Prometheus may connect.
        for (const np of this.policiesFor(pod, 'Ingress'))
          for (const rule of np.spec?.ingress ?? [])
            for (const peer of rule.from ?? [])
              if (!peer.namespaceSelector || !selectorMatches(peer.namespaceSelector, { 'kubernetes.io/metadata.name': NETWORK_PEERS.prometheus }))
                this.fail(np, `lets a peer other than Prometheus reach projector ${app.name}`);
      }
    }
  }

  private checkIngress(): void {
    const ingresses = this.all('Ingress');
    if (!ingresses.length) this.fail('Ingress/-', 'no Ingress routes to the gateway');
    let gatewayRouted = false;
    for (const ing of ingresses) {
      const tlsHosts = new Set<string>((ing.spec?.tls ?? []).flatMap((t: any) => t.hosts ?? []));
      for (const t of ing.spec?.tls ?? []) if (!t.secretName) this.fail(ing, 'a tls entry names no secretName');
      const certManager = Object.keys(ing.metadata.annotations ?? {}).some((k) => k === 'cert-manager.io/cluster-issuer' || k === 'cert-manager.io/issuer');
      const external = Object.keys(this.target.externalSecrets).concat(this.all('Secret').map((x) => x.metadata.name));
      for (const t of ing.spec?.tls ?? []) if (t.secretName && !certManager && !external.includes(t.secretName))
        this.fail(ing, `TLS Secret ${t.secretName} is neither issued by cert-manager (annotation) nor rendered/declared external`);
      if (ing.spec?.defaultBackend) this.fail(ing, 'defaultBackend would serve hosts without TLS');
      for (const rule of ing.spec?.rules ?? []) {
        if (!rule.host) this.fail(ing, 'a rule without host cannot be covered by TLS');
        else if (!tlsHosts.has(rule.host)) this.fail(ing, `host ${rule.host} is not covered by spec.tls`);
        for (const p of rule.http?.paths ?? []) {
          const b = p.backend?.service;
          const svc = b ? this.find('Service', b.name) : undefined;
          if (!svc) {
            this.fail(ing, `path ${p.path}: backend Service ${b?.name ?? '(none)'} is not rendered`);
            continue;
          }
          const sp = (svc.spec?.ports ?? []).find((x: any) => (b.port?.name !== undefined ? x.name === b.port.name : x.port === b.port?.number));
          if (!sp) {
            this.fail(ing, `path ${p.path}: Service ${svc.metadata.name} has no port ${b.port?.name ?? b.port?.number}`);
            continue;
          }
          for (const pod of this.podsUnderPolicy().filter((x) => labelsMatch(svc.spec?.selector, x.labels))) {
            const target = sp.targetPort ?? sp.port;
            const port = typeof target === 'number' ? target : pod.containers.flatMap((c) => c.ports ?? []).find((x: any) => x.name === target)?.containerPort;
            if (port === undefined || !this.allows(pod, 'Ingress', port, 'TCP', NETWORK_PEERS.ingressController))
              this.fail(ing, `path ${p.path}: NetworkPolicies block the ingress controller from ${pod.owner.metadata.name}:${target}`);
            if (pod.labels['app.kubernetes.io/name'] === 'gateway') gatewayRouted = true;
          }
        }
      }
    }
    if (ingresses.length && !gatewayRouted) this.fail('Ingress/-', 'no Ingress path reaches the gateway');
  }

  /** KafkaTopics = the catalogue under the rendered config; one KafkaUser per Kafka-using app with exactly its ACLs. */
  private checkStrimzi(): void {
    const topics = this.all('KafkaTopic');
    const users = this.all('KafkaUser');
    if (!this.target.strimzi) {
      for (const o of [...topics, ...users]) this.fail(o, `target ${this.target.name} does not use Strimzi`);
      return;
    }
    for (const o of [...topics, ...users])
      if (o.metadata.labels?.['strimzi.io/cluster'] !== STRIMZI_CLUSTER) this.fail(o, `label strimzi.io/cluster must be ${STRIMZI_CLUSTER}`);
    const configEnv: NodeJS.ProcessEnv = { ...(this.all('ConfigMap').find((c) => c.metadata.name.startsWith(`${CONFIG_MAP}-`))?.data ?? {}) };
    const expected = platformTopics(configEnv);
    const byTopic = new Map(topics.map((t) => [t.spec?.topicName ?? t.metadata.name, t]));
    for (const t of expected) {
      const kt = byTopic.get(t.name);
      if (!kt) {
        this.fail(`KafkaTopic/${t.name}`, 'missing: every catalogue topic and dead-letter topic needs a KafkaTopic');
        continue;
      }
      if (kt.spec?.partitions !== t.partitions) this.fail(kt, `partitions is ${kt.spec?.partitions}, the config (KAFKA_PARTITIONS*) says ${t.partitions}`);
      if ((kt.spec?.replicas ?? 0) < TOPIC_REPLICAS) this.fail(kt, `replicas must be at least ${TOPIC_REPLICAS}`);
      if (Number(kt.spec?.config?.['min.insync.replicas']) !== MIN_INSYNC_REPLICAS) this.fail(kt, `config min.insync.replicas must be ${MIN_INSYNC_REPLICAS}`);
    }
    for (const [name, kt] of byTopic) if (!expected.some((t) => t.name === name)) this.fail(kt, `topic ${name} is not in the catalogue`);

    const aclKey = (a: any) => `${a.type ?? 'allow'} ${a.resource?.type}:${a.resource?.patternType ?? 'literal'}:${a.resource?.name ?? '*'} ${a.host ?? '*'}`;
    const flatten = (acls: any[]) => acls.flatMap((a) => (a.operations ?? [a.operation]).map((op: string) => `${aclKey(a)} ${op}`)).sort();
    const seen = new Set<string>();
    for (const access of kafkaAccess()) {
      const d = this.find('Deployment', access.app);
      const c = (d?.spec?.template?.spec?.containers ?? []).find((x: any) => x.name === access.app);
      const env = c ? this.containerEnv(c) : new Map<string, string | undefined>();
      const needsKafka = access.writes.length + access.reads.length + access.groups.length > 0;
      const username = env.get('KAFKA_SASL_USERNAME');
      if (!needsKafka) {
        if (users.some((u) => u.metadata.labels?.['app.kubernetes.io/name'] === access.app || u.metadata.name === kafkaUserName(access.app)))
          this.fail(`Deployment/${access.app}`, 'uses no Kafka, so it must have no KafkaUser');
        continue;
      }
      const user = users.find((u) => u.metadata.name === username);
      if (!user) {
        this.fail(`Deployment/${access.app}`, `KAFKA_SASL_USERNAME ${username ?? '(unset)'} is no rendered KafkaUser (expected ${kafkaUserName(access.app)})`);
        continue;
      }
      if (seen.has(user.metadata.name)) this.fail(user, 'shared by several apps: each app has its own KafkaUser');
      seen.add(user.metadata.name);
      if (user.spec?.authentication?.type !== 'scram-sha-512' || env.get('KAFKA_SASL_MECHANISM') !== 'scram-sha-512')
        this.fail(user, 'authentication must be scram-sha-512, as the apps\' KAFKA_SASL_MECHANISM');
      const password = (c?.env ?? []).find((e: any) => e.name === 'KAFKA_SASL_PASSWORD')?.valueFrom?.secretKeyRef;
      if (password?.name !== user.metadata.name || password?.key !== 'password')
        this.fail(`Deployment/${access.app}`, `KAFKA_SASL_PASSWORD must come from Secret ${user.metadata.name} (key password), created by the User Operator`);
      const actual = flatten(user.spec?.authorization?.acls ?? []);
      const wanted = flatten(aclsFor(access));
      const extra = actual.filter((x) => !wanted.includes(x));
      const missing = wanted.filter((x) => !actual.includes(x));
      if (extra.length) this.fail(user, `ACLs beyond the app's topics and groups: ${extra.join('; ')}`);
      if (missing.length) this.fail(user, `missing ACLs: ${missing.join('; ')}`);
    }
    for (const u of users) if (!seen.has(u.metadata.name)) this.fail(u, 'no app logs in as this user');
  }

  /**
   * The rolling-upgrade order of docs/operations.md: the runbook's kubectl steps select by component label
   * (UPGRADE_STEPS) and Argo CD orders by sync wave; both must put config first, then the Jobs, projectors,
   * producers and the gateway.
   */
  private checkUpgradeOrder(): void {
    const wave = (o: K8sObject) => Number(o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);
    const workloads = [...this.all('Deployment'), ...this.all('Job')];
    for (const o of workloads) {
      const component = o.metadata.labels?.['app.kubernetes.io/component'];
      const step = UPGRADE_STEPS.findIndex((s) => (s.components as readonly string[]).includes(component));
      if (step < 0) this.fail(o, `component label ${component ?? '(none)'} is in no step of the rolling upgrade (UPGRADE_STEPS)`);
      else if (wave(o) !== UPGRADE_STEPS[step].wave) this.fail(o, `argocd sync-wave is ${wave(o)}, the upgrade step "${UPGRADE_STEPS[step].name}" is wave ${UPGRADE_STEPS[step].wave}`);
    }
    const config = this.all('ConfigMap').find((c) => c.metadata.name.startsWith(`${CONFIG_MAP}-`));
    if (config && workloads.some((o) => wave(o) <= wave(config))) this.fail(config, 'must sync in an earlier wave than every workload');
  }

  private checkMonitoring(): void {
    const monitors = this.all('ServiceMonitor');
    const rules = this.all('PrometheusRule');
    if (!this.target.monitoring) {
      for (const o of [...monitors, ...rules]) this.fail(o, `${this.target.name} does not include the monitoring component`);
      return;
    }
    if (rules.length !== 1) this.fail('PrometheusRule/-', `expected exactly one PrometheusRule, found ${rules.length}`);
    for (const app of APPS) {
      const svc = this.find('Service', app.name);
      const sm = monitors.find((m) => labelsMatch(m.spec?.selector?.matchLabels, svc?.metadata?.labels));
      if (!sm) {
        this.fail(`Deployment/${app.name}`, 'no ServiceMonitor selects its Service (its metrics are not scraped)');
        continue;
      }
      const named = new Set((svc?.spec?.ports ?? []).map((p: any) => p.name));
      for (const ep of sm.spec?.endpoints ?? []) {
        if (!named.has(ep.port)) this.fail(sm, `endpoint port ${ep.port} is not a named port of Service/${app.name}`);
        if ((ep.path ?? '/metrics') !== '/metrics') this.fail(sm, `endpoint path must be /metrics, is ${ep.path}`);
      }
      if (!(sm.spec?.endpoints ?? []).length) this.fail(sm, 'has no endpoints');
      if (sm.spec?.jobLabel === undefined && sm.metadata.name !== app.name)
        this.fail(sm, `the job label (the Service name) must be the app name ${app.name}, which the alert rules use`);
    }
    const dashboards = this.all('ConfigMap').filter((c) => c.metadata?.labels?.grafana_dashboard === '1');
    if (dashboards.length !== 1) this.fail('ConfigMap/-', `expected one ConfigMap labelled grafana_dashboard=1, found ${dashboards.length}`);
  }
}

/** Every check of one rendered target. */
export function validateObjects(target: RenderTarget, objects: K8sObject[]): Finding[] {
  return [...schemaFindings(target.name, objects), ...new Checker(target, objects).run()];
}

export function validateTarget(target: RenderTarget): Finding[] {
  return validateObjects(target, renderTarget(target));
}

export function formatFindings(findings: Finding[]): string {
  return findings.map((f) => `[${f.target}] ${f.object}: ${f.message}`).join('\n');
}

if (require.main === module) {
  const { validateDocker } = require('./docker-checks') as typeof import('./docker-checks');
  const findings = [...TARGETS.flatMap((t) => validateTarget(t)), ...validateDocker()];
  console.log(`renderer: ${findRenderer().describe}`);
  if (findings.length) {
    console.error(formatFindings(findings));
    process.exit(1);
  }
  console.log(`ok: ${TARGETS.map((t) => t.dir).join(', ')}, docker/`);
}
