/**
 * The deployables of the platform: the single source the deployment checks compare docker/ and k8s/ against.
 * Adding an app means: a case in docker/Dockerfile, a service in docker/compose.yml, a Deployment in k8s/base
 * and an entry here (tools/k8s/k8s-manifests.spec.ts fails until all four agree).
 */
export type AppKind = 'gateway' | 'producer' | 'projector';

export interface LongRunningApp {
  /** Directory under apps/, value of the Docker build arg APP, Deployment and container image name. */
  name: string;
  kind: AppKind;
  /** Port serving /health/live, /health/ready and /metrics. */
  httpPort: number;
  /** Kafka consumer group (projectors only). */
  consumerGroup?: string;
  /**
   * Topics (keys of TOPICS in libs/contracts) the app publishes to (producers). Checked against the event
   * definitions its source imports by tools/k8s/kafka-access.spec.ts; the Strimzi ACLs are generated from it.
   */
  produces?: readonly string[];
  /** Kafka consumers of a producer besides its outbox relay (e.g. the issuer's wallet-claim policy). */
  consumes?: readonly { topics: readonly string[]; group: string }[];
}

export const APPS: readonly LongRunningApp[] = [
  { name: 'gateway', kind: 'gateway', httpPort: 3000 },
  {
    name: 'issuer',
    kind: 'producer',
    httpPort: 3001,
    produces: ['credentials', 'identity', 'bridge', 'sessions'],
    // apps/issuer/src/credentials/wallet-claim.policy.ts (group: WALLET_POLICY_GROUP_ID of issuer.config.ts)
    consumes: [{ topics: ['wallet'], group: 'cep.issuer.wallet-policy' }],
  },
  { name: 'verifier', kind: 'producer', httpPort: 3002, produces: ['proofs', 'sessions'] },
  { name: 'wallet', kind: 'producer', httpPort: 3003, produces: ['wallet', 'sessions'] },
  { name: 'history-projector', kind: 'projector', httpPort: 9464, consumerGroup: 'cep.history-projector' },
  { name: 'activity-projector', kind: 'projector', httpPort: 9464, consumerGroup: 'cep.activity-projector' },
  { name: 'report-projector', kind: 'projector', httpPort: 9464, consumerGroup: 'cep.report-projector' },
  { name: 'event-log-projector', kind: 'projector', httpPort: 9464, consumerGroup: 'cep.event-log-projector' },
];

/** One-shot commands built from the same Dockerfile (APP=migrate, APP=create-topics), run as Jobs. */
export const COMMANDS = [
  { name: 'migrate', job: 'cep-migrate' },
  { name: 'create-topics', job: 'cep-create-topics' },
] as const;

/** Every legal value of the Docker build arg APP. */
export const ALL_APP_ARGS: readonly string[] = [...APPS.map((a) => a.name), ...COMMANDS.map((c) => c.name)];

export const NAMESPACE = 'cep';
export const CONFIG_MAP = 'cep-config';
export const SECRET = 'cep-secrets';
/** Keys every environment must provide in the Secret `cep-secrets` (a placeholder in dev, external in prod). */
export const SECRET_KEYS = ['DATABASE_URL', 'AUTH_JWT_SECRET', 'KAFKA_SASL_PASSWORD'] as const;
/** Default partitions per topic (libs/contracts DEFAULT_PARTITIONS). The KEDA bound is computed by tools/k8s/kafka-access.ts. */
export const DEFAULT_PARTITIONS = 3;
export const PROJECTOR_GRACE_SECONDS = 45;
