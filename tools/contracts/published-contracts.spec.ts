import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { Parser } from '@asyncapi/parser';
import { buildEvent, dataSchemaUri, EVENT_REGISTRY, EventRegistry, KeyCreated, TOPICS, type EventDefinition } from '../../libs/contracts/src';
import { CommittedEventSchemas, samplePayload } from '../../libs/testing/src/event-samples';
import { REPO_ROOT } from '../docs/event-docs';
import { ASYNCAPI_FILE } from './asyncapi';
import { breakingChanges } from './compatibility';
import { CONTRACTS_DIR, ENVELOPE_SCHEMA_FILE, generateEventSchemas, payloadSchemaFile, type JsonSchema } from './event-schemas';
import { committedSchemas, schemaEvolutionProblems } from './published-contracts';

const generated = generateEventSchemas();
const committed = committedSchemas();

describe('published contracts (contracts/, regenerate with `npm run contracts:generate`)', () => {
  it('every generated file is committed and up to date (`contracts:generate --check`)', () => {
    // A child process: openapi-typescript's CommonJS build loads an ES module that Jest's runtime cannot.
    const r = spawnSync(process.execPath, ['-r', '@swc-node/register', 'tools/contracts/generate.ts', '--check'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120000 });
    expect({ status: r.status, stderr: r.stderr.trim() }).toEqual({ status: 0, stderr: '' });
  }, 150000);

  it('has a JSON Schema 2020-12 for every event type and version, whose $id is the events\' dataschema', () => {
    for (const def of EVENT_REGISTRY.all()) {
      for (let v = 1; v <= def.version; v++) {
        const file = payloadSchemaFile(def.type, v);
        expect({ file, present: committed.has(file) }).toEqual({ file, present: true });
        expect(committed.get(file)).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema', $id: dataSchemaUri(def.type, v) });
      }
    }
    expect(committed.get(ENVELOPE_SCHEMA_FILE)).toMatchObject({ $id: 'urn:cep:schema:cloudevent' });
  });

  it('every committed schema compiles under ajv strict mode (2020-12)', () => {
    const ajv = new Ajv2020({ strict: true });
    addFormats(ajv);
    for (const s of committed.values()) ajv.addSchema(s);
    for (const s of committed.values()) expect(() => ajv.getSchema(s.$id as string)).not.toThrow();
  });

  it('a sample of every event type, built and validated by the contracts, is valid under the committed schemas; an invalid one is not', () => {
    const schemas = new CommittedEventSchemas();
    const meta = { organisationId: 'org-1', correlationId: 'corr-1', source: 'urn:cep:test', time: new Date('2026-03-01T10:00:00Z') };
    for (const def of EVENT_REGISTRY.all()) {
      const event = buildEvent(def, samplePayload(def), meta);
      expect(schemas.problems(event)).toEqual([]);
    }
    const event = buildEvent(KeyCreated, samplePayload(KeyCreated), meta);
    const { keyType: _k, ...withoutKeyType } = event.data;
    expect(schemas.problems({ ...event, data: withoutKeyType })).toEqual([expect.stringContaining("must have required property 'keyType'")]);
    expect(schemas.problems({ ...event, organisationId: 'org-1' })).toEqual([
      expect.stringMatching(/envelope attribute name "organisationId" must match pattern/),
    ]);
  });
});

describe('schema evolution guard', () => {
  it('the catalogue\'s schemas are backward compatible with every committed (published) version', () => {
    expect(schemaEvolutionProblems(committed, generated)).toEqual([]);
  });

  const published = generated.get('credential.revoked/v1.schema.json')! as JsonSchema & { properties: Record<string, JsonSchema>; required: string[] };
  const changed = (f: (s: typeof published) => void) => {
    const s = structuredClone(published);
    f(s);
    return s;
  };

  it('accepts an added optional field, a relaxed bound and an edited description', () => {
    const next = changed((s) => {
      s.properties.preAuthorizedCodeHash = { type: 'string', maxLength: 128 };
      (s.properties.reason as { maxLength: number }).maxLength = 4096;
      s.description = 'edited';
    });
    expect(breakingChanges(published, next)).toEqual([]);
  });

  it('refuses a removed field, a retyped field, a newly required field, a narrowed enum or bound', () => {
    expect(breakingChanges(published, changed((s) => delete s.properties.reason))).toEqual(['reason: removed']);
    expect(breakingChanges(published, changed((s) => (s.properties.reason = { type: ['integer', 'null'] })))).toEqual(['reason: retyped from string to integer']);
    expect(breakingChanges(published, changed((s) => (s.properties.reason = { type: 'string', maxLength: 1024 })))).toEqual(['reason: no longer accepts null']);
    expect(breakingChanges(published, changed((s) => s.required.push('reason')))).toEqual(['reason: newly required']);
    expect(breakingChanges(published, changed((s) => ((s.properties.profile as { enum: string[] }).enum = ['mdoc'])))).toEqual([
      expect.stringMatching(/^profile: enum no longer accepts "cwt"/),
    ]);
    expect(breakingChanges(published, changed((s) => ((s.properties.reason as { maxLength: number }).maxLength = 10)))).toEqual(['reason: maxLength narrowed from 1024 to 10']);
    // nested classes ($defs) are compared too
    const nested = changed((s) => (((s.$defs as Record<string, JsonSchema>).DidRef as { required: string[] }).required = ['id', 'did', 'name']));
    expect(breakingChanges(published, nested)).toEqual(['issuerDid.name: newly required', 'holderDid.name: newly required']);
  });

  it('refuses a breaking change to a published version, and accepts it as a new version with an upcaster', () => {
    const file = 'credential.revoked/v1.schema.json';
    const breaking = new Map(generated).set(file, changed((s) => s.required.push('reason')));
    expect(schemaEvolutionProblems(new Map([[file, published]]), breaking)).toEqual([expect.stringContaining('reason: newly required (bump credential.revoked')]);

    // key.created is at v2: its v1 schema stays published and v1 events are upcast
    expect(KeyCreated.version).toBe(2);
    const keyFiles = new Map([...committed].filter(([f]) => f.startsWith('key.created/')));
    expect([...keyFiles.keys()].sort()).toEqual(['key.created/v1.schema.json', 'key.created/v2.schema.json']);
    expect(schemaEvolutionProblems(keyFiles, generated)).toEqual([]);
    expect(breakingChanges(keyFiles.get('key.created/v1.schema.json')!, generated.get('key.created/v2.schema.json')!)).not.toEqual([]);
    const { upcasters: _u, ...withoutUpcaster } = KeyCreated;
    const registry = new EventRegistry([withoutUpcaster as EventDefinition<string, object>]);
    expect(schemaEvolutionProblems(keyFiles, generated, registry)).toEqual(['key.created/v1.schema.json: key.created v1 has no upcaster to v2']);
  });

  it('refuses dropping a published event type', () => {
    expect(schemaEvolutionProblems(new Map([['credential.gone/v1.schema.json', published]]), generated)).toEqual([
      'credential.gone/v1.schema.json: published event type credential.gone is no longer in the catalogue',
    ]);
  });
});

describe('AsyncAPI document (contracts/asyncapi.json)', () => {
  const text = fs.readFileSync(path.join(CONTRACTS_DIR, ASYNCAPI_FILE), 'utf8');

  it('is a valid AsyncAPI 3.0 document (@asyncapi/parser) describing every topic, message, key and header', async () => {
    const { document, diagnostics } = await new Parser().parse(text);
    expect(diagnostics.filter((d) => d.severity === 0).map((d) => `${d.message} at ${d.path.join('/')}`)).toEqual([]);
    expect(document!.version()).toBe('3.0.0');
    const channels = document!.channels().all();
    expect(channels.map((c) => c.address()).sort()).toEqual(Object.values(TOPICS).sort());
    for (const def of EVENT_REGISTRY.all()) {
      const channel = channels.find((c) => c.address() === def.topic)!;
      for (const id of [def.type, `${def.type}.binary`]) {
        const message = channel.messages().all().find((m) => m.id() === id);
        expect({ id, found: !!message }).toEqual({ id, found: true });
        expect(message!.bindings().get('kafka')?.value().key).toMatchObject({ type: 'string' });
        expect(Object.keys(message!.headers()!.properties() ?? {})).toEqual(expect.arrayContaining(['content-type', 'ce_id', 'ce_type']));
      }
    }
    const binary = channels[0].messages().all().find((m) => m.id()!.endsWith('.binary'))!;
    expect(Object.keys(binary.headers()!.properties() ?? {})).toEqual(
      expect.arrayContaining(['ce_specversion', 'ce_source', 'ce_time', 'ce_subject', 'ce_dataschema', 'ce_dataversion', 'ce_organisationid', 'ce_correlationid', 'ce_causationid']),
    );
  }, 60000);

  it('the parser rejects a broken document (the check can fail)', async () => {
    const broken = JSON.parse(text);
    broken.operations[Object.keys(broken.operations)[0]].action = 'publish';
    const { document } = await new Parser().parse(JSON.stringify(broken));
    expect(document).toBeUndefined();
  }, 60000);
});
