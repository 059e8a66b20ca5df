import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { WORKSPACE_ROOT } from '@cep/testing';
// Globals of the page, for the functions evaluated in the browser (the workspace's type-check has no DOM lib).
declare const window: any, document: any, performance: any;

/**
 * The system Chromium (Debian package `chromium`; tools/ci/test.sh installs it when missing and it can), driven
 * by playwright-core: nothing downloads a browser. CHROMIUM_PATH overrides the location.
 */
export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/snap/bin/chromium'].filter(Boolean) as string[];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error('no Chromium found: install the Debian package `chromium` (apt-get install chromium) or set CHROMIUM_PATH');
  return found;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
}

/** Builds the console with Vite into a fresh directory (no network) and returns it, for the gateway's CONSOLE_DIR. */
export function buildConsole(): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cep-console-'));
  execFileSync(process.execPath, [path.join(WORKSPACE_ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'apps/console/vite.config.mts', '--outDir', out], {
    cwd: WORKSPACE_ROOT,
    stdio: 'pipe',
    env: { ...process.env, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
  });
  return out;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * axe-core in the page (evaluated through the DevTools protocol, so the page's CSP stays as served); the serious
 * and critical violations of WCAG 2.x A/AA rules.
 */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  const source = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** First contentful paint of the page's navigation (ms), from the Paint Timing API. */
export async function firstContentfulPaint(page: Page): Promise<number | null> {
  return page.evaluate(() => {
    const e = performance.getEntriesByName('first-contentful-paint')[0];
    return e ? e.startTime : null;
  });
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
}

/** Where screenshots and measured figures go (test artifacts; CONSOLE_ARTIFACTS_DIR overrides). */
export function artifactsDir(): string {
  const dir = process.env.CONSOLE_ARTIFACTS_DIR ?? path.join(WORKSPACE_ROOT, '.cache', 'console-artifacts');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
