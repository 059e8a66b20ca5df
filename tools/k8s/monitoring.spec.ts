/**
 * Alerts and dashboards as tested code (k8s/components/monitoring):
 *  - rules.yml passes `promtool check rules` and its unit tests `promtool test rules rules.test.yml`;
 *  - prometheus-rule.yaml is the generated wrapper of exactly those groups;
 *  - every metric the rules and the dashboard query is one the apps export (names collected from the source);
 *  - the Grafana dashboard is well formed, covers lag, freshness, throughput, dead letters and HTTP RED per route,
 *    and each of its queries parses with Prometheus's own parser (promtool, via a scratch rules file).
 * promtool comes from the Debian package `prometheus` (tools/ci/test.sh installs it); without it the promtool
 * checks are skipped with a message, except under CI=true where they fail.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { dump, load } from 'js-yaml';
import { MONITORING_DIR, PROMETHEUS_RULE_FILE, RULES_FILE, renderPrometheusRule } from './prometheus-rule';
import { REPO_ROOT } from './validate';

jest.setTimeout(60_000);

const promtool = spawnSync('promtool', ['--version']).status === 0;
const needPromtool = promtool ? it : process.env.CI ? it : it.skip;
if (!promtool) console.warn(`promtool not found: ${process.env.CI ? 'failing (CI)' : 'skipping'} the promtool checks; install the Debian package prometheus`);

type Rule = { record?: string; alert?: string; expr: string; labels?: Record<string, string>; annotations?: Record<string, string> };
const groups = (load(fs.readFileSync(RULES_FILE, 'utf8')) as { groups: { name: string; rules: Rule[] }[] }).groups;
const rules = groups.flatMap((g) => g.rules);
const dashboard = JSON.parse(fs.readFileSync(path.join(MONITORING_DIR, 'grafana-dashboard.json'), 'utf8'));
const panels: any[] = dashboard.panels.filter((p: any) => p.type !== 'row');
const dashboardExprs: string[] = panels.flatMap((p) => p.targets.map((t: any) => t.expr));

function runPromtool(args: string[], cwd = MONITORING_DIR): string {
  const r = spawnSync('promtool', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`promtool ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Metric names registered in apps/ and libs/ (prom-client `name: 'cep_...'`), with the histogram series suffixes. */
function exportedMetrics(): Set<string> {
  const out = execFileSync('grep', ['-rhoE', "name: 'cep_[a-z0-9_]+'", 'apps', 'libs', '--include=*.ts'], { cwd: REPO_ROOT, encoding: 'utf8' });
  const names = new Set<string>(['up']);
  for (const m of out.matchAll(/name: '(cep_[a-z0-9_]+)'/g)) for (const s of ['', '_bucket', '_count', '_sum']) names.add(m[1] + s);
  return names;
}

const PROMQL_WORDS = new Set(
  ('by on and or unless without ignoring group_left group_right bool offset sum max min avg count stddev stdvar topk bottomk quantile ' +
    'rate irate increase delta idelta deriv histogram_quantile quantile_over_time max_over_time min_over_time avg_over_time sum_over_time ' +
    'count_over_time last_over_time absent absent_over_time clamp_min clamp_max label_replace vector scalar time').split(' '),
);

/** Metric names an expression reads: identifiers outside label matchers, ranges and strings, minus PromQL words. */
function referencedMetrics(expr: string): string[] {
  const stripped = expr.replace(/"[^"]*"/g, '""').replace(/\{[^}]*\}/g, '{}').replace(/\[[^\]]*\]/g, '[]');
  // Grouping label lists (`by (a, b)`, `on (a)`) name labels, not metrics: drop them.
  const bare = stripped.replace(/\b(by|on|without|ignoring)\s*\([^()]*\)/g, '$1 ()');
  return [...bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)].map((m) => m[0]).filter((w) => !PROMQL_WORDS.has(w) && !/^\d/.test(w));
}

it('the metric-name extraction the checks below rely on finds metrics and only metrics', () => {
  expect(referencedMetrics('sum by (projection, le) (rate(cep_x_bucket{status=~"5.."}[5m])) / on (job) group_left up > 0.1')).toEqual(['cep_x_bucket', 'up']);
});

describe('Prometheus rules', () => {
  needPromtool('pass promtool check rules', () => {
    expect(runPromtool(['check', 'rules', 'rules.yml'])).toContain('SUCCESS');
  });

  needPromtool('pass their promtool unit tests (rules.test.yml)', () => {
    expect(runPromtool(['test', 'rules', 'rules.test.yml'])).toContain('SUCCESS');
  });

  it('have a unit test for every alert', () => {
    const tests = fs.readFileSync(path.join(MONITORING_DIR, 'rules.test.yml'), 'utf8');
    for (const r of rules.filter((x) => x.alert)) expect(tests).toContain(`alertname: ${r.alert}`);
  });

  it('give every alert a severity, summary, description and a runbook anchor that exists in docs/operations.md', () => {
    const ops = fs.readFileSync(path.join(REPO_ROOT, 'docs/operations.md'), 'utf8').toLowerCase();
    for (const r of rules.filter((x) => x.alert)) {
      expect(['warning', 'critical']).toContain(r.labels?.severity);
      expect(r.annotations?.summary).toBeTruthy();
      expect(r.annotations?.description).toBeTruthy();
      const anchor = r.annotations!.runbook_url!.split('#')[1];
      expect(anchor).toBe(r.alert!.toLowerCase());
      expect(ops).toContain(`### ${r.alert!.toLowerCase()}`);
    }
  });

  it('cover projector lag, freshness, dead letters, outbox age, 5xx ratio and SSE saturation', () => {
    const all = rules.map((r) => r.expr).join('\n');
    for (const m of ['cep_consumer_lag', 'cep_projection_freshness_seconds', 'cep_dead_letters_total', 'cep_outbox_oldest_unsent_age_seconds', 'cep_http_request_duration_seconds_count', 'cep_event_stream_clients_max'])
      expect(all).toContain(m);
  });

  it('read only metrics the apps export (or recording rules)', () => {
    const known = exportedMetrics();
    for (const r of rules) if (r.record) known.add(r.record);
    const unknown = rules.flatMap((r) => referencedMetrics(r.expr)).filter((m) => !known.has(m));
    expect(unknown).toEqual([]);
  });

  it('are wrapped unchanged by the generated PrometheusRule', () => {
    expect(fs.readFileSync(PROMETHEUS_RULE_FILE, 'utf8')).toBe(renderPrometheusRule(fs.readFileSync(RULES_FILE, 'utf8')));
    const cr = load(fs.readFileSync(PROMETHEUS_RULE_FILE, 'utf8')) as any;
    expect(cr.spec.groups).toEqual(groups);
  });
});

describe('Grafana dashboard', () => {
  it('is well formed: uid, unique panel ids, non-overlapping layout, templated data source and namespace', () => {
    expect(dashboard.uid).toBe('cep-overview');
    const ids = dashboard.panels.map((p: any) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const vars = dashboard.templating.list.map((v: any) => v.name);
    expect(vars).toEqual(expect.arrayContaining(['datasource', 'namespace']));
    const cells = new Set<string>();
    for (const p of dashboard.panels) {
      const { x, y, w, h } = p.gridPos;
      expect(x + w).toBeLessThanOrEqual(24);
      for (let i = x; i < x + w; i++) for (let j = y; j < y + h; j++) {
        expect(cells.has(`${i},${j}`)).toBe(false);
        cells.add(`${i},${j}`);
      }
    }
    for (const p of panels) {
      expect(p.datasource.uid).toBe('${datasource}');
      expect(p.targets.length).toBeGreaterThan(0);
      for (const t of p.targets) expect(t.expr).toContain('namespace="$namespace"');
    }
  });

  it('shows lag, freshness, throughput, dead letters and HTTP rate, errors and latency per route', () => {
    const has = (re: RegExp) => panels.some((p) => p.targets.some((t: any) => re.test(t.expr)));
    expect(has(/cep:consumer_lag:sum/)).toBe(true);
    expect(has(/freshness/)).toBe(true);
    expect(has(/rate\(cep_events_projected_total/)).toBe(true);
    expect(has(/cep_dead_letters_total/)).toBe(true);
    expect(has(/by \(job, method, route\) \(rate\(cep_http_request_duration_seconds_count/)).toBe(true);
    expect(has(/route, status\) \(rate\(cep_http_request_duration_seconds_count\{[^}]*status=~"4\.\.\|5\.\."/)).toBe(true);
    expect(has(/histogram_quantile\(0\.99, sum by \(job, method, route, le\)/)).toBe(true);
  });

  it('queries only metrics the apps export (or recording rules)', () => {
    const known = exportedMetrics();
    for (const r of rules) if (r.record) known.add(r.record);
    expect(dashboardExprs.flatMap(referencedMetrics).filter((m) => !known.has(m))).toEqual([]);
  });

  needPromtool('has queries that Prometheus parses', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cep-dash-'));
    const scratch = {
      groups: [
        {
          name: 'dashboard',
          rules: dashboardExprs.map((e, i) => ({ record: `dashboard:q${i}`, expr: e.replace(/\$__rate_interval/g, '5m').replace(/\$namespace/g, 'cep') })),
        },
      ],
    };
    fs.writeFileSync(path.join(dir, 'dashboard.yml'), dump(scratch));
    expect(runPromtool(['check', 'rules', 'dashboard.yml'], dir)).toContain(`${dashboardExprs.length} rules found`);
  });
});
