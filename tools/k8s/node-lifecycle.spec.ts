/**
 * CI check: the production image runs a Node.js line that has not reached end of life (compared with today's date),
 * pinned to an exact release, and package.json engines name the same line. The tests themselves may run on an older
 * Node.js (npm only warns about engines unless engine-strict is set).
 */
import * as fs from 'fs';
import { DOCKERFILE } from './docker-checks';
import { enginesMinimumMajor, NODE_END_OF_LIFE, nodeLifecycleFindings, parseNodeImage, runtimeNodeImage, validateNodeLifecycle } from './node-lifecycle';
import { formatFindings } from './validate';

const dockerfile = fs.readFileSync(DOCKERFILE, 'utf8');
const withImage = (image: string) => dockerfile.replace(/^ARG NODE_IMAGE=.*$/m, `ARG NODE_IMAGE=${image}`);

describe('Node.js lifecycle of the image', () => {
  it('the image runs a supported, exactly pinned LTS release and engines agree (today)', () => {
    expect(formatFindings(validateNodeLifecycle(new Date()))).toBe('');
  });

  it('reads the runtime image from the Dockerfile', () => {
    const image = runtimeNodeImage(dockerfile);
    expect(image.major).toBeDefined();
    expect(image.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(NODE_END_OF_LIFE[image.major!]).toBeDefined();
  });

  it('parses image references and engine ranges', () => {
    expect(parseNodeImage('node:24.16.0-bookworm-slim')).toEqual({ image: 'node:24.16.0-bookworm-slim', major: 24, version: '24.16.0' });
    expect(parseNodeImage('node:20-slim')).toEqual({ image: 'node:20-slim', major: 20, version: undefined });
    expect(parseNodeImage('debian:bookworm-slim').major).toBeUndefined();
    expect(enginesMinimumMajor('>=24.16.0')).toBe(24);
    expect(enginesMinimumMajor('^22 || ^24')).toBe(22);
  });

  describe('fails', () => {
    it('when the line is past its end of life', () => {
      const out = formatFindings(nodeLifecycleFindings(withImage('node:20.19.5-bookworm-slim'), '>=20', new Date('2026-05-01T00:00:00Z')));
      expect(out).toContain('Node.js 20 (node:20.19.5-bookworm-slim) reached end of life on 2026-04-30');
    });

    it('for today\'s image once today passes its end-of-life date, not on that date', () => {
      const { major } = runtimeNodeImage(dockerfile);
      const eol = NODE_END_OF_LIFE[major!];
      const engines = `>=${major}`;
      expect(formatFindings(nodeLifecycleFindings(dockerfile, engines, new Date(`${eol}T23:59:59Z`)))).toBe('');
      const dayAfter = new Date(Date.parse(`${eol}T00:00:00Z`) + 24 * 3600 * 1000);
      expect(formatFindings(nodeLifecycleFindings(dockerfile, engines, dayAfter))).toContain('reached end of life');
    });

    it('when the tag floats or the line is unknown or not LTS', () => {
      const today = new Date('2026-12-07T00:00:00Z');
      expect(formatFindings(nodeLifecycleFindings(withImage('node:24-slim'), '>=24', today))).toContain('not pinned to an exact Node.js release');
      expect(formatFindings(nodeLifecycleFindings(withImage('node:30.1.0-slim'), '>=30', today))).toContain('has no end-of-life date');
      expect(formatFindings(nodeLifecycleFindings(withImage('node:25.2.1-slim'), '>=25', new Date('2026-01-01T00:00:00Z')))).toContain('odd (non-LTS) line');
      expect(formatFindings(nodeLifecycleFindings(withImage('gcr.io/distroless/nodejs24'), '>=24', today))).toContain('is not an official node image');
    });

    it('when package.json engines name another line than the image', () => {
      const out = formatFindings(nodeLifecycleFindings(withImage('node:24.16.0-bookworm-slim'), '>=20', new Date('2026-12-07T00:00:00Z')));
      expect(out).toContain("engines.node >=20 does not start at the image's Node.js 24");
    });
  });
});
