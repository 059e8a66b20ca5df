import type { DataSource } from 'typeorm';
import type { EventEnvelope } from '@cep/contracts';
import { HistoryIntegrityService, historyProjection, HistoryQueryService } from '@cep/history';
import { TenantDatabase } from '@cep/platform';
import type { ReadModelAdapter } from '../read-model-adapter';

interface RawData {
  credentialId?: string;
  sessionId?: string;
  proofId?: string;
  interactionId?: string;
  providerId?: string;
  schemaId?: string;
  proofSchemaId?: string;
  issuerDid?: { id: string };
  holderDid?: { id: string };
  verifierDid?: { id: string };
  credentials?: { credentialId: string; schemaId: string }[];
}

const isSession = (e: EventEnvelope) => e.type.startsWith('session.');

/** The entry's entity, straight from the payload: the session, proof, interaction or credential id. */
function entityOf(e: EventEnvelope): string {
  const d = e.data as RawData;
  return (isSession(e) ? d.sessionId : (d.proofId ?? d.interactionId ?? d.credentialId))!.toLowerCase();
}

/**
 * The relations one raw event gives its entity, from the filters' documented meaning (docs/history, the gateway's
 * `credentialSchemaId`, `proofSchemaId`, `didId`, `credentialId`, `proofId`, `providerId`), not the projection's
 * mapper: a credential → its schema, issuer and holder DIDs; a proof → its proof schema, verifier DID, the presented
 * credentials and their schemas; an interaction → its provider; every entity → itself; a session → only itself.
 */
export function relationsOf(e: EventEnvelope): string[] {
  const d = e.data as RawData;
  const out = [entityOf(e)];
  if (!isSession(e)) {
    if (d.proofId) {
      if (d.proofSchemaId) out.push(d.proofSchemaId);
      if (d.verifierDid) out.push(d.verifierDid.id);
      for (const c of d.credentials ?? []) out.push(c.credentialId, c.schemaId);
    } else if (d.interactionId) {
      if (d.providerId) out.push(d.providerId);
    } else {
      if (d.schemaId) out.push(d.schemaId);
      if (d.issuerDid) out.push(d.issuerDid.id);
      if (d.holderDid) out.push(d.holderDid.id);
    }
  }
  return out.map((x) => x.toLowerCase());
}

const set = (ids: Iterable<string>) => [...new Set(ids)].sort().join(',');

/**
 * Relation ids whose filter total is compared: every id that is not an entry's own entity (schemas, proof schemas,
 * DIDs, providers: the `credentialSchemaId`, `proofSchemaId`, `didId`, `providerId` filters), and the entity ids
 * (`credentialId`, `proofId` filters) starting with '0' (a 1/16 sample: one count per id keeps the check fast).
 */
const checked = (id: string, entityIds: Set<string>) => !entityIds.has(id) || id.startsWith('0');

/**
 * History, every view a user reads, as normalised rows:
 * - `E|entry|entity|related ids`: every entry with its relations, which must be its entity's FULL relation set (the
 *   union over all the entity's events, whichever topic and partition they came from);
 * - `S|entity|related ids`: the entity state row (`history.entities`), the same union;
 * - `F|id|totalItems`: the total the gateway's query service (`HistoryQueryService.count`, the relation counters
 *   the list's `totalItems` comes from) reports for a relation filter, against a recount of the entries related
 *   to the id.
 * - `C|valid|links`: the organisation's tamper-evident chain verifies (docs/privacy.md) and holds exactly one link per
 *   entry: crashes, redeliveries and replays add no link and break none. Else `C|<reason>|<seq>` names the break.
 * The oracle derives all of them from the raw events without the projection's code (see `relationsOf`).
 */
export const historyAdapter: ReadModelAdapter = {
  app: 'history-projector',
  projection: historyProjection,
  lockTable: 'history.entries',
  async readRows(ds: DataSource, org: string) {
    const entries: { id: string; entity_id: string; related_ids: string[] }[] = await ds.query(
      `SELECT id::text AS id, entity_id::text AS entity_id, related_ids::text[] AS related_ids FROM history.entries WHERE organisation_id = $1`,
      [org],
    );
    const entities: { entity_id: string; related_ids: string[] }[] = await ds.query(
      `SELECT entity_id::text AS entity_id, related_ids::text[] AS related_ids FROM history.entities WHERE organisation_id = $1`,
      [org],
    );
    const entityIds = new Set(entries.map((e) => e.entity_id));
    const ids = new Set([...entries.flatMap((e) => e.related_ids), ...entities.flatMap((e) => e.related_ids)].filter((id) => checked(id, entityIds)));
    const svc = new HistoryQueryService(ds);
    const totals: string[] = [];
    for (const id of [...ids].sort()) totals.push(`F|${id}|${await svc.count({ organisationId: org, relatedIds: [id] })}`);
    // The chain as the owner reads it (no tenant pool: RLS is not what this checks).
    const v = await new HistoryIntegrityService(new TenantDatabase(ds, { rls: false })).verify({ organisationId: org });
    const chain = v.firstBroken ? `C|${v.firstBroken.reason}|${v.firstBroken.seq}` : `C|valid|${v.checkedLinks}`;
    return [
      ...entries.map((r) => `E|${r.id}|${r.entity_id}|${set(r.related_ids)}`),
      ...entities.map((r) => `S|${r.entity_id}|${set(r.related_ids)}`),
      ...totals,
      chain,
    ];
  },
  oracle(events) {
    const recorded = new Set(historyProjection.handles);
    const mine = events.filter((e) => recorded.has(e.type));
    const full = new Map<string, Set<string>>();
    for (const e of mine) {
      if (isSession(e)) continue;
      const s = full.get(entityOf(e)) ?? new Set<string>();
      relationsOf(e).forEach((r) => s.add(r));
      full.set(entityOf(e), s);
    }
    const relatedOf = (e: EventEnvelope) => (isSession(e) ? relationsOf(e) : [...full.get(entityOf(e))!]);
    const entityIds = new Set(mine.map(entityOf));
    const recount = new Map<string, number>();
    for (const e of mine) for (const r of new Set(relatedOf(e))) if (checked(r, entityIds)) recount.set(r, (recount.get(r) ?? 0) + 1);
    return [
      ...mine.map((e) => `E|${e.id}|${entityOf(e)}|${set(relatedOf(e))}`),
      ...[...full].map(([id, s]) => `S|${id}|${set(s)}`),
      ...[...recount].map(([id, n]) => `F|${id}|${n}`),
      `C|valid|${new Set(mine.map((e) => e.id)).size}`,
    ];
  },
  async duplicateEventIds(ds: DataSource, org: string) {
    const [{ n }] = await ds.query(`SELECT (count(*) - count(DISTINCT id))::int AS n FROM history.entries WHERE organisation_id = $1`, [org]);
    return n;
  },
};
