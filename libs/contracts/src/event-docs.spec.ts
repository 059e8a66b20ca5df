import * as fs from 'fs';
import { DOCS_PATH, renderEventDocs } from '../../../tools/docs/event-docs';
import { EVENT_REGISTRY } from './catalogue';

describe('docs/events.md', () => {
  const rendered = renderEventDocs();

  it('is up to date (regenerate with `node -r @swc-node/register tools/docs/generate-event-docs.ts`)', () => {
    const current = fs.existsSync(DOCS_PATH) ? fs.readFileSync(DOCS_PATH, 'utf8') : '';
    // Compare as a boolean first so the failure message says what to do rather than dumping a 1000-line diff.
    expect({ upToDate: current === rendered }).toEqual({ upToDate: true });
  });

  it('documents every event type with its version, key and consumers', () => {
    for (const d of EVENT_REGISTRY.all()) {
      expect(rendered).toContain(`### \`${d.type}\` v${d.version}`);
    }
    expect(rendered).toContain('Key (envelope `subject`): `providerId`');
    expect(rendered).toContain('| `claims` | — | never | must be absent |');
  });
});
