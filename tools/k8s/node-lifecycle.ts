/**
 * Node.js release lines and their end-of-life dates (the Node.js release schedule, github.com/nodejs/Release):
 * the image must run a line that still gets security fixes. Add a line when it is released, keep past ones so that
 * an image falling back to them is recognised as end of life.
 */
import * as fs from 'fs';
import * as path from 'path';
import { DOCKERFILE, parseDockerfile } from './docker-checks';
import { Finding, REPO_ROOT } from './validate';

/** Major -> last day of support (UTC). Even majors are LTS lines (30 months); odd majors live 8 months. */
export const NODE_END_OF_LIFE: Readonly<Record<number, string>> = {
  18: '2025-04-30',
  20: '2026-04-30',
  21: '2024-06-01',
  22: '2027-04-30',
  23: '2025-06-01',
  24: '2028-04-30',
  25: '2026-06-01',
  26: '2029-04-30',
};

export interface NodeImage {
  image: string;
  /** Exact release, e.g. 24.16.0; undefined when the tag is not pinned to major.minor.patch. */
  version?: string;
  major?: number;
}

/** `node:24.16.0-bookworm-slim` -> version 24.16.0, major 24; `node:24-slim` -> major 24, no exact version. */
export function parseNodeImage(image: string): NodeImage {
  const m = /^(?:docker\.io\/)?(?:library\/)?node:(\d+)(?:\.(\d+)\.(\d+))?(?:-[a-z0-9.-]+)?(?:@sha256:[0-9a-f]{64})?$/.exec(image);
  if (!m) return { image };
  return { image, major: Number(m[1]), version: m[2] !== undefined ? `${m[1]}.${m[2]}.${m[3]}` : undefined };
}

/** The runtime stage's base image of docker/Dockerfile (build args resolved to their defaults). */
export function runtimeNodeImage(dockerfileText: string): NodeImage {
  const { stages } = parseDockerfile(dockerfileText);
  return parseNodeImage(stages[stages.length - 1]?.from ?? '');
}

/** Smallest major a package.json `engines.node` range admits (`>=24.16.0`, `^24`, `24.x`, `>=22 <27` -> 24, 24, 24, 22). */
export function enginesMinimumMajor(range: string | undefined): number | undefined {
  const m = /(\d+)/.exec(range ?? '');
  return m ? Number(m[1]) : undefined;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Findings for the image's Node.js line on `today`: unknown or unpinned version, past end of life, or
 * package.json engines admitting an older line than the image runs.
 */
export function nodeLifecycleFindings(dockerfileText: string, engines: string | undefined, today: Date): Finding[] {
  const findings: Finding[] = [];
  const fail = (object: string, message: string) => findings.push({ target: 'docker', object, message });
  const image = runtimeNodeImage(dockerfileText);
  if (image.major === undefined) {
    fail('docker/Dockerfile', `runtime base image ${image.image || '(none)'} is not an official node image (node:<major>.<minor>.<patch>-<variant>)`);
    return findings;
  }
  if (!image.version) fail('docker/Dockerfile', `runtime base image ${image.image} is not pinned to an exact Node.js release (node:X.Y.Z-...)`);
  const eol = NODE_END_OF_LIFE[image.major];
  if (!eol) fail('docker/Dockerfile', `Node.js ${image.major} has no end-of-life date in tools/k8s/node-lifecycle.ts (add it from the release schedule)`);
  else if (today.getTime() >= Date.parse(`${eol}T00:00:00Z`) + DAY_MS)
    fail('docker/Dockerfile', `Node.js ${image.major} (${image.image}) reached end of life on ${eol}: move the image to a supported LTS line`);
  else if (image.major % 2 === 1) fail('docker/Dockerfile', `Node.js ${image.major} is an odd (non-LTS) line: production images use an LTS line`);
  const minMajor = enginesMinimumMajor(engines);
  if (minMajor === undefined) fail('package.json', 'engines.node is not set');
  else if (minMajor !== image.major) fail('package.json', `engines.node ${engines} does not start at the image's Node.js ${image.major}`);
  return findings;
}

export function validateNodeLifecycle(today = new Date()): Finding[] {
  const dockerfile = fs.readFileSync(DOCKERFILE, 'utf8');
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  return nodeLifecycleFindings(dockerfile, pkg.engines?.node, today);
}
