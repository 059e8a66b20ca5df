import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { BenchRow } from '../bench-types';

export interface MachineInfo {
  nproc: number;
  memoryGiB: number;
  cpuModel: string;
  node: string;
  platform: string;
  postgres?: string;
  kafka?: string;
}

export function machineInfo(extra: Partial<MachineInfo> = {}): MachineInfo {
  const cpus = os.cpus();
  return {
    nproc: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    cpuModel: cpus[0]?.model?.trim() ?? 'unknown',
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    ...extra,
  };
}

function fmt(x: number | undefined): string {
  if (x === undefined || x === null) return '';
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

function metCell(r: BenchRow): string {
  if (r.met === undefined) return r.target ? 'n/a' : '';
  return r.met ? 'met' : 'NOT met';
}

const COLUMNS = ['section', 'name', 'value', 'unit', 'baseline', 'ratio', 'target', 'met', 'note'] as const;

function cells(r: BenchRow): string[] {
  return [r.section, r.name, fmt(r.value), r.unit, fmt(r.baseline), r.ratio === undefined ? '' : `${fmt(r.ratio)}×`, r.target ?? '', metCell(r), r.note ?? ''];
}

/** Plain-text table for the terminal. */
export function formatTable(rows: BenchRow[]): string {
  const data = rows.map(cells);
  const widths = COLUMNS.map((c, i) => Math.min(i === 8 ? 60 : 200, Math.max(c.length, ...data.map((d) => d[i].length))));
  const line = (cs: string[]) => cs.map((c, i) => (i === 2 || i === 4 || i === 5 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ');
  return [line([...COLUMNS]), widths.map((w) => '-'.repeat(w)).join('-+-'), ...data.map(line)].join('\n');
}

/** The same table in Markdown (for docs/benchmarks.md). */
export function formatMarkdown(rows: BenchRow[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [
    `| ${COLUMNS.join(' | ')} |`,
    `|${COLUMNS.map((_, i) => (i === 2 || i === 4 || i === 5 ? '---:' : '---')).join('|')}|`,
    ...rows.map((r) => `| ${cells(r).map(esc).join(' | ')} |`),
  ].join('\n');
}

export interface BenchResult {
  startedAt: string;
  finishedAt: string;
  mode: 'quick' | 'full';
  options: Record<string, unknown>;
  machine: MachineInfo;
  rows: BenchRow[];
  errors: { section: string; error: string }[];
}

/** Writes `bench/results/<ISO date>.json` (quick runs get a `-quick` suffix so they never overwrite a full run). */
export function writeResult(result: BenchResult, dir = path.join(__dirname, '..', 'results')): string {
  fs.mkdirSync(dir, { recursive: true });
  const stamp = result.startedAt.replace(/[:]/g, '-').replace(/\.\d+Z$/, 'Z');
  const file = path.join(dir, `${stamp}${result.mode === 'quick' ? '-quick' : ''}.json`);
  fs.writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  return file;
}
