import * as fs from 'fs';
import * as path from 'path';

/** A route with its parameters folded: `/v1/credentials/:id/accept` and `/v1/credentials/{id}/accept` → `/v1/credentials/{}/accept`. */
export const normaliseRoute = (route: string) => route.replace(/\{[^}]*\}|:[A-Za-z]+/g, '{}').replace(/\/+/g, '/');

/** Every route of every `*.controller.ts` below `srcRoot`, read from the source: `POST /v1/credentials/{}/accept`. */
export function controllerRoutes(srcRoot: string): string[] {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.controller.ts')) files.push(p);
    }
  };
  walk(srcRoot);
  const routes: string[] = [];
  for (const f of files) {
    const src = fs.readFileSync(f, 'utf8');
    const base = /@Controller\(\s*'([^']*)'\s*\)/.exec(src)?.[1] ?? '';
    for (const m of src.matchAll(/@(Get|Post|Put|Patch|Delete)\(\s*(?:'([^']*)')?\s*\)/g)) {
      const p = ['', base, m[2] ?? ''].filter((x, i) => i === 0 || x).join('/');
      routes.push(`${m[1].toUpperCase()} ${normaliseRoute(p)}`);
    }
  }
  return routes;
}
