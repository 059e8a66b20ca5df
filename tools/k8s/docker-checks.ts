/**
 * Static checks of docker/: the Dockerfile's APP list and stages, the BuildKit ignore file, and docker/compose.yml
 * (parses as YAML, builds every deployable from docker/Dockerfile with a valid APP, sane depends_on).
 * No Docker daemon is needed.
 */
import * as fs from 'fs';
import * as path from 'path';
import { load, YAML11_SCHEMA } from 'js-yaml';
import { ALL_APP_ARGS, APPS, COMMANDS } from './app-catalogue';
import { Finding, REPO_ROOT } from './validate';

const DOCKER_DIR = path.join(REPO_ROOT, 'docker');
export const DOCKERFILE = path.join(DOCKER_DIR, 'Dockerfile');
export const COMPOSE_FILE = path.join(DOCKER_DIR, 'compose.yml');

/** Entry point each APP must map to in the Dockerfile. */
export function entryPointFor(app: string): string {
  if (app === 'migrate') return 'dist/tools/db/migrate.js';
  if (app === 'create-topics') return 'dist/tools/kafka/create-topics.js';
  return `dist/apps/${app}/src/main.js`;
}

interface Stage {
  name: string;
  from: string;
  instructions: { op: string; args: string }[];
}

/** Dockerfile -> global ARG defaults and stages (line continuations joined, comments dropped). */
export function parseDockerfile(text: string): { args: Record<string, string>; stages: Stage[] } {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    if (/^\s*#/.test(raw) && !current) continue;
    if (/^\s*#/.test(raw)) continue; // comment inside a continued instruction
    const line = raw.replace(/\s+$/, '');
    if (line.endsWith('\\')) {
      current += line.slice(0, -1) + ' ';
      continue;
    }
    current += line;
    if (current.trim()) logical.push(current.trim());
    current = '';
  }
  if (current.trim()) logical.push(current.trim());
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const l of logical) {
    const m = /^(\w+)\s+([\s\S]*)$/.exec(l);
    if (!m) continue;
    const op = m[1].toUpperCase();
    const rest = m[2];
    if (op === 'FROM') {
      const f = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/i.exec(rest);
      const from = (f?.[1] ?? '').replace(/\$\{?(\w+)\}?/g, (_, v) => args[v] ?? `\${${v}}`);
      stages.push({ name: f?.[2] ?? String(stages.length), from, instructions: [] });
    } else if (!stages.length) {
      if (op === 'ARG') {
        const a = /^(\w+)(?:=(.*))?$/.exec(rest.trim());
        if (a) args[a[1]] = a[2] ?? '';
      }
    } else {
      stages[stages.length - 1].instructions.push({ op, args: rest });
    }
  }
  return { args, stages };
}

/** The APP values of the `case "${APP...}" in ... esac` block of the runtime stage. */
export function dockerfileAppValues(text: string): string[] {
  const m = /case\s+"\$\{?APP(?::-)?\}?"\s+in([\s\S]*?)esac/.exec(text);
  if (!m) return [];
  const values: string[] = [];
  for (const pattern of m[1].matchAll(/(?:^|[\s;])((?:[a-z0-9-]+\|)*[a-z0-9-]+)\)/g)) values.push(...pattern[1].split('|'));
  return values;
}

function same(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join() === [...b].sort().join();
}

export function checkDockerfile(text: string): Finding[] {
  const findings: Finding[] = [];
  const fail = (message: string) => findings.push({ target: 'docker', object: 'docker/Dockerfile', message });
  const { stages } = parseDockerfile(text);
  const stage = (n: string) => stages.find((s) => s.name === n);
  const has = (s: Stage | undefined, op: string, re: RegExp) => !!s?.instructions.some((i) => i.op === op && re.test(i.args));

  for (const n of ['deps', 'build', 'runtime']) if (!stage(n)) fail(`stage "${n}" is missing`);
  const runtime = stages[stages.length - 1];
  if (runtime && runtime.name !== 'runtime') fail(`the last stage (the default target) must be "runtime", is "${runtime.name}"`);
  if (!has(stage('deps'), 'RUN', /\bnpm (ci|install)\b/)) fail('deps stage does not install the locked dependencies (npm ci / npm install)');
  if (!has(stage('build'), 'RUN', /\btsc\b.*-p\s+tsconfig\.build\.json/)) fail('build stage does not run `tsc -p tsconfig.build.json`');
  if (!/--omit=dev/.test(text)) fail('production dependencies are not installed/pruned with --omit=dev');
  if (runtime) {
    // The Node.js line and its end of life are checked by tools/k8s/node-lifecycle.ts; here only the image family.
    if (!/^node:\d+\.\d+\.\d+-[a-z]+-slim(?:@.*)?$/.test(runtime.from))
      fail(`runtime base image is ${runtime.from}, expected an exactly pinned Debian slim node image (node:X.Y.Z-<debian>-slim)`);
    const users = runtime.instructions.filter((i) => i.op === 'USER');
    const user = users[users.length - 1]?.args.trim();
    if (!user) fail('runtime stage sets no USER');
    else if (!/^[1-9]\d*(?::\d+)?$/.test(user)) fail(`runtime USER must be a numeric non-root uid (Kubernetes runAsNonRoot), is ${user}`);
    if (!has(runtime, 'ENV', /\bTZ=UTC\b/)) fail('runtime stage does not set TZ=UTC');
    if (!has(runtime, 'ENV', /\bNODE_ENV=production\b/)) fail('runtime stage does not set NODE_ENV=production');
    if (!has(runtime, 'ARG', /^APP\b/)) fail('runtime stage does not declare ARG APP');
    if (!runtime.instructions.some((i) => i.op === 'ENTRYPOINT')) fail('runtime stage has no ENTRYPOINT');
    if (!text.includes('tools/runtime/register-paths.js')) fail('entry point does not preload tools/runtime/register-paths.js');
  }
  // APP must only be used by the runtime stage, or every app would rebuild the shared stages.
  for (const s of stages.slice(0, -1)) if (has(s, 'ARG', /^APP\b/)) fail(`stage ${s.name} declares ARG APP (breaks cache sharing between apps)`);

  const values = dockerfileAppValues(text);
  if (!values.length) fail('no `case "${APP}" in ... esac` block found');
  else if (!same(values, ALL_APP_ARGS))
    fail(`APP values [${values.join(' ')}] differ from tools/k8s/app-catalogue.ts [${ALL_APP_ARGS.join(' ')}]`);
  for (const app of ALL_APP_ARGS) {
    const entry = entryPointFor(app).replace(app, '${APP}');
    if (!text.includes(entryPointFor(app)) && !text.includes(entry)) fail(`no entry point ${entryPointFor(app)} for APP=${app}`);
  }
  return findings;
}

export function checkDockerignore(text: string): Finding[] {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const findings: Finding[] = [];
  for (const must of ['node_modules', 'dist', '.git'])
    if (!lines.some((l) => l.replace(/^\*\*\//, '').replace(/\/$/, '') === must))
      findings.push({ target: 'docker', object: 'docker/Dockerfile.dockerignore', message: `does not exclude ${must}` });
  return findings;
}

/** `${VAR:-default}` -> default; other values unchanged. */
function interpolated(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  return String(v).replace(/\$\{\w+(?::?-([^}]*))?\}/g, (_, d) => d ?? '');
}

function envOf(service: any): Record<string, string | undefined> {
  const env = service.environment;
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((e: string) => { const i = String(e).indexOf('='); return i < 0 ? [e, undefined] : [e.slice(0, i), interpolated(e.slice(i + 1))]; }));
  }
  return Object.fromEntries(Object.entries(env ?? {}).map(([k, v]) => [k, interpolated(v)]));
}

function containerPorts(service: any): number[] {
  return (service.ports ?? []).map((p: any) => {
    if (typeof p === 'object') return Number(p.target);
    const s = interpolated(p) ?? '';
    return Number(s.split('/')[0].split(':').pop());
  });
}

function dependsOn(service: any): Record<string, string> {
  const d = service.depends_on;
  if (Array.isArray(d)) return Object.fromEntries(d.map((n: string) => [n, 'service_started']));
  return Object.fromEntries(Object.entries(d ?? {}).map(([n, v]: [string, any]) => [n, v?.condition ?? 'service_started']));
}

export function checkCompose(text: string): Finding[] {
  const findings: Finding[] = [];
  const fail = (object: string, message: string) => findings.push({ target: 'docker', object: `compose:${object}`, message });
  let doc: any;
  try {
    doc = load(text, { schema: YAML11_SCHEMA }); // YAML 1.1 schema: compose files use merge keys (<<)
  } catch (err: any) {
    fail('-', `does not parse as YAML: ${err.message}`);
    return findings;
  }
  const services: Record<string, any> = doc?.services ?? {};
  if (!Object.keys(services).length) {
    fail('-', 'no services');
    return findings;
  }
  const kafka = Object.entries(services).find(([, s]) => /^apache\/kafka:/.test(s?.image ?? ''));
  if (!kafka) fail('-', 'no Kafka service (image apache/kafka)');
  else {
    const [name, s] = kafka;
    if (s.image !== 'apache/kafka:3.9.1') fail(name, `image is ${s.image}, expected apache/kafka:3.9.1`);
    const roles = String(envOf(s).KAFKA_PROCESS_ROLES ?? '');
    if (!roles.includes('broker') || !roles.includes('controller')) fail(name, 'KAFKA_PROCESS_ROLES must be broker,controller (KRaft)');
    if (!s.healthcheck) fail(name, 'no healthcheck');
  }
  if (Object.values(services).some((s) => /zookeeper/i.test(s?.image ?? ''))) fail('-', 'ZooKeeper is not used (KRaft mode)');
  const pg = Object.entries(services).find(([, s]) => /^postgres:/.test(s?.image ?? ''));
  if (!pg) fail('-', 'no PostgreSQL service');
  else if (!/^postgres:15(?:[.-]|$)/.test(pg[1].image)) fail(pg[0], `image is ${pg[1].image}, expected postgres:15`);

  const appService = new Map<string, string>(); // APP -> service name
  for (const [name, s] of Object.entries(services)) {
    for (const [dep, condition] of Object.entries(dependsOn(s))) {
      const target = services[dep];
      if (!target) fail(name, `depends_on unknown service ${dep}`);
      else if (condition === 'service_healthy' && !target.healthcheck) fail(name, `waits for ${dep} to be healthy but ${dep} has no healthcheck`);
    }
    if (!s?.build) continue;
    const build = typeof s.build === 'string' ? { context: s.build } : s.build;
    const context = path.resolve(DOCKER_DIR, build.context ?? '.');
    if (context !== REPO_ROOT) fail(name, `build context resolves to ${path.relative(REPO_ROOT, context) || '.'}, expected the repository root`);
    if (path.resolve(context, build.dockerfile ?? 'Dockerfile') !== DOCKERFILE) fail(name, `dockerfile is ${build.dockerfile}, expected docker/Dockerfile`);
    const app = Array.isArray(build.args)
      ? build.args.map(String).find((a: string) => a.startsWith('APP='))?.slice(4)
      : build.args?.APP;
    if (!app) {
      fail(name, 'build arg APP is not set');
      continue;
    }
    if (!ALL_APP_ARGS.includes(app)) fail(name, `APP=${app} is not one of ${ALL_APP_ARGS.join(', ')}`);
    if (appService.has(app)) fail(name, `APP=${app} is also built by ${appService.get(app)}`);
    appService.set(app, name);
  }
  for (const app of ALL_APP_ARGS) if (!appService.has(app)) fail('-', `no service builds APP=${app}`);

  const oneShot = new Set(COMMANDS.map((c) => appService.get(c.name)).filter(Boolean));
  for (const [name, s] of Object.entries(services))
    for (const [dep, condition] of Object.entries(dependsOn(s)))
      if (condition === 'service_completed_successfully' && !oneShot.has(dep)) fail(name, `waits for ${dep} to complete, but ${dep} is not a one-shot command`);

  for (const app of APPS) {
    const name = appService.get(app.name);
    if (!name) continue;
    const s = services[name];
    const env = envOf(s);
    const deps = dependsOn(s);
    const migrate = appService.get('migrate');
    const topics = appService.get('create-topics');
    if (migrate && deps[migrate] !== 'service_completed_successfully') fail(name, `must depend on ${migrate} with condition service_completed_successfully`);
    if (app.kind !== 'gateway' && topics && deps[topics] !== 'service_completed_successfully')
      fail(name, `must depend on ${topics} with condition service_completed_successfully`);
    const portVar = app.kind === 'projector' ? 'METRICS_PORT' : 'PORT';
    if (env[portVar] !== String(app.httpPort)) fail(name, `${portVar} must be ${app.httpPort}, is ${env[portVar] ?? '(unset)'}`);
    if (!containerPorts(s).includes(app.httpPort)) fail(name, `container port ${app.httpPort} is not published`);
    for (const k of ['DATABASE_URL', 'KAFKA_BROKERS', 'KAFKA_CLIENT_ID', 'AUTH_JWT_SECRET']) if (!env[k]) fail(name, `environment ${k} is not set`);
    if (env.TZ !== 'UTC') fail(name, 'TZ must be UTC');
    if (env.AUTH_JWT_SECRET && env.AUTH_JWT_SECRET.length < 32) fail(name, 'AUTH_JWT_SECRET must have at least 32 characters');
    if (!s.healthcheck) fail(name, 'no healthcheck');
    else if (!JSON.stringify(s.healthcheck.test ?? '').includes(`:${app.httpPort}/health/`)) fail(name, `healthcheck does not probe :${app.httpPort}/health/...`);
  }
  for (const cmd of COMMANDS) {
    const name = appService.get(cmd.name);
    if (name && !['no', undefined].includes(services[name].restart)) fail(name, 'a one-shot command must not restart');
  }
  return findings;
}

/** apps/<name>/src/main.ts that exist must all be deployable (the catalogue lists them). */
export function checkAppsDirectory(root = REPO_ROOT): Finding[] {
  const dir = path.join(root, 'apps');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((n) => fs.existsSync(path.join(dir, n, 'src', 'main.ts')))
    .filter((n) => !APPS.some((a) => a.name === n))
    .map((n) => ({ target: 'docker', object: `apps/${n}`, message: 'has src/main.ts but is not in tools/k8s/app-catalogue.ts (no image, compose service or Deployment)' }));
}

export function validateDocker(): Finding[] {
  const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : undefined);
  const findings: Finding[] = [];
  const dockerfile = read(DOCKERFILE);
  const ignore = read(`${DOCKERFILE}.dockerignore`);
  const compose = read(COMPOSE_FILE);
  if (dockerfile === undefined) findings.push({ target: 'docker', object: 'docker/Dockerfile', message: 'missing' });
  else findings.push(...checkDockerfile(dockerfile));
  if (ignore === undefined) findings.push({ target: 'docker', object: 'docker/Dockerfile.dockerignore', message: 'missing' });
  else findings.push(...checkDockerignore(ignore));
  if (compose === undefined) findings.push({ target: 'docker', object: 'docker/compose.yml', message: 'missing' });
  else findings.push(...checkCompose(compose));
  findings.push(...checkAppsDirectory());
  return findings;
}
