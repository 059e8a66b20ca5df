/**
 * Writes k8s/components/monitoring/prometheus-rule.yaml: the Prometheus Operator `PrometheusRule` wrapping exactly
 * the groups of the plain rules file k8s/components/monitoring/rules.yml (the single source, tested by promtool).
 *
 *   npm run monitoring:rules            regenerate
 *   npm run monitoring:rules -- --check exit 1 when the committed file is out of date (also a unit test)
 */
import * as fs from 'fs';
import * as path from 'path';
import { dump, load } from 'js-yaml';

export const MONITORING_DIR = path.resolve(__dirname, '../../k8s/components/monitoring');
export const RULES_FILE = path.join(MONITORING_DIR, 'rules.yml');
export const PROMETHEUS_RULE_FILE = path.join(MONITORING_DIR, 'prometheus-rule.yaml');

export function renderPrometheusRule(rulesYaml: string): string {
  const rules = load(rulesYaml) as { groups: unknown[] };
  if (!rules || !Array.isArray(rules.groups) || !rules.groups.length) throw new Error('rules.yml has no groups');
  const cr = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'cep', labels: { 'app.kubernetes.io/name': 'cep-rules', role: 'alert-rules' } },
    spec: { groups: rules.groups },
  };
  return `# GENERATED from rules.yml by \`npm run monitoring:rules\`; edit rules.yml, not this file.\n${dump(cr, { lineWidth: -1, noRefs: true })}`;
}

function main(): void {
  const expected = renderPrometheusRule(fs.readFileSync(RULES_FILE, 'utf8'));
  if (process.argv.includes('--check')) {
    const current = fs.existsSync(PROMETHEUS_RULE_FILE) ? fs.readFileSync(PROMETHEUS_RULE_FILE, 'utf8') : '';
    if (current !== expected) {
      console.error(`${path.relative(process.cwd(), PROMETHEUS_RULE_FILE)} is out of date: run npm run monitoring:rules`);
      process.exit(1);
    }
    return;
  }
  fs.writeFileSync(PROMETHEUS_RULE_FILE, expected);
  console.log(`wrote ${path.relative(process.cwd(), PROMETHEUS_RULE_FILE)}`);
}

if (require.main === module) main();
