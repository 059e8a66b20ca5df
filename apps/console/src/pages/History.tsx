import { useEffect, useState } from 'react';
import { api, ok, type Schemas } from '../api';
import type { operations } from '../api/gateway-api.generated';
import { DataTable } from '../components/DataTable';
import { useRoute, useSetParams } from '../router';

type HistoryQuery = NonNullable<operations['History_list']['parameters']['query']>;
const ACTIONS = ['CREATED', 'PENDING', 'OFFERED', 'ACCEPTED', 'REJECTED', 'REVOKED', 'SUSPENDED', 'SHARED', 'DELETED', 'REACTIVATED', 'EXPIRED', 'ERRORED', 'REQUESTED', 'RETRACTED', 'CLAIMS_REMOVED', 'DEACTIVATED', 'ACTIVATED', 'REMOVED', 'WITHDRAWN', 'RESTORED', 'UPDATED', 'CLIENT_SECRET_REGENERATED', 'SUCCEEDED'];
const ENTITY_TYPES = ['CREDENTIAL', 'CREDENTIAL_SCHEMA', 'PROOF', 'PROOF_SCHEMA', 'KEY', 'DID', 'ORGANISATION', 'TRUST_ANCHOR', 'TRUST_ENTITY', 'BACKUP', 'PROVIDER', 'INTERACTION', 'VERIFICATION_SESSION', 'ISSUANCE_SESSION'];
const SEARCH_TYPES = ['', 'claimName', 'claimValue', 'credentialSchemaName', 'issuerDid', 'issuerName', 'verifierDid', 'verifierName', 'proofSchemaName'];
const SORTS = ['createdDate', 'action', 'entityType', 'source', 'organisationId'];
/** Relation filters: entries related to that credential / proof / DID / schema / provider. */
const RELATIONS = ['entityId', 'credentialId', 'proofId', 'didId', 'identifierId', 'credentialSchemaId', 'proofSchemaId', 'providerId'] as const;

/** The API query of the URL parameters (every filter of GET /api/history/v1). */
function historyQuery(p: URLSearchParams): HistoryQuery {
  const q: Record<string, unknown> = { page: Number(p.get('page') ?? 0), pageSize: Number(p.get('pageSize') ?? 25) };
  const from = p.get('from');
  const to = p.get('to');
  if (from) q.createdDateFrom = new Date(from).toISOString();
  if (to) q.createdDateTo = new Date(to).toISOString();
  if (p.get('actions')) q.actions = p.get('actions')!.split(',');
  if (p.get('entityTypes')) q.entityTypes = p.get('entityTypes')!.split(',');
  for (const r of RELATIONS) if (p.get(r)) q[r] = p.get(r);
  if (p.get('source')) q.source = p.get('source');
  if (p.get('q')) q.searchText = p.get('q');
  if (p.get('searchType')) q.searchType = p.get('searchType');
  if (p.get('sort')) q.sort = p.get('sort');
  if (p.get('dir')) q.sortDirection = p.get('dir');
  return q as HistoryQuery;
}

/** History: the audit-log explorer (GET /api/history/v1), entry detail and an entity's timeline. */
export function History() {
  const { params } = useRoute();
  const setParams = useSetParams();
  const entry = params.get('entry');
  const entity = params.get('entity');
  const query = historyQuery(params);
  const key = JSON.stringify(query);
  const [page, setPage] = useState<{ key: string; data: Schemas['HistoryPageDto'] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (entity) return;
    let stale = false;
    setError(null);
    api.GET('/api/history/v1', { params: { query } }).then(
      (r) => !stale && setPage({ key, data: ok(r) }),
      (e: Error) => !stale && setError(e.message),
    );
    return () => void (stale = true);
  }, [key, entity]);
  const multi = (name: string, value: string[]) => setParams({ [name]: value.join(','), page: null });
  const cur = page && page.key === key ? page.data : null;
  const pageNo = Number(params.get('page') ?? 0);
  if (entity) return <EntityTimeline entityId={entity} onBack={() => setParams({ entity: null })} onOpen={(id) => setParams({ entity: null, entry: id })} />;
  return (
    <>
      <h1>History</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="History filters">
        <label>
          Search text
          <input type="search" defaultValue={params.get('q') ?? ''} onKeyDown={(e) => e.key === 'Enter' && setParams({ q: e.currentTarget.value, page: null })} onBlur={(e) => setParams({ q: e.target.value, page: null })} data-testid="searchText" />
        </label>
        <label>
          Search in
          <select value={params.get('searchType') ?? ''} onChange={(e) => setParams({ searchType: e.target.value, page: null })} data-testid="searchType">
            {SEARCH_TYPES.map((s) => (
              <option key={s} value={s}>
                {s || 'all fields'}
              </option>
            ))}
          </select>
        </label>
        <label>
          Actions
          <select multiple size={4} value={(params.get('actions') ?? '').split(',').filter(Boolean)} onChange={(e) => multi('actions', [...e.target.selectedOptions].map((o) => o.value))} data-testid="actions">
            {ACTIONS.map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </label>
        <label>
          Entity types
          <select multiple size={4} value={(params.get('entityTypes') ?? '').split(',').filter(Boolean)} onChange={(e) => multi('entityTypes', [...e.target.selectedOptions].map((o) => o.value))} data-testid="entityTypes">
            {ENTITY_TYPES.map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </label>
        <label>
          Source
          <select value={params.get('source') ?? ''} onChange={(e) => setParams({ source: e.target.value, page: null })}>
            <option value="">any</option>
            <option>CORE</option>
            <option>BRIDGE</option>
          </select>
        </label>
        <label>
          From
          <input type="datetime-local" value={params.get('from') ?? ''} onChange={(e) => setParams({ from: e.target.value, page: null })} />
        </label>
        <label>
          To
          <input type="datetime-local" value={params.get('to') ?? ''} onChange={(e) => setParams({ to: e.target.value, page: null })} />
        </label>
        <details className="relations" open={RELATIONS.some((r) => params.get(r))}>
          <summary>Related to an entity (ids)</summary>
          {RELATIONS.map((r) => (
            <label key={r}>
              {r}
              <input type="text" defaultValue={params.get(r) ?? ''} onBlur={(e) => setParams({ [r]: e.target.value.trim(), page: null })} onKeyDown={(e) => e.key === 'Enter' && setParams({ [r]: e.currentTarget.value.trim(), page: null })} />
            </label>
          ))}
        </details>
        <label>
          Sort by
          <select value={params.get('sort') ?? 'createdDate'} onChange={(e) => setParams({ sort: e.target.value, page: null })} data-testid="sort">
            {SORTS.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Direction
          <select value={params.get('dir') ?? 'DESC'} onChange={(e) => setParams({ dir: e.target.value, page: null })} data-testid="dir">
            <option>DESC</option>
            <option>ASC</option>
          </select>
        </label>
        <label>
          Page size
          <select value={params.get('pageSize') ?? '25'} onChange={(e) => setParams({ pageSize: e.target.value, page: null })}>
            {['10', '25', '50', '100'].map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
      </form>
      {error && <p className="error" role="alert">{error}</p>}
      {!cur && !error && <p aria-busy="true">Loading history…</p>}
      {cur && (
        <section className="panel" aria-labelledby="history-title" data-testid="history-page" data-total={cur.totalItems}>
          <h2 id="history-title">
            {cur.totalItems}
            {cur.totalItemsCapped ? '+' : ''} entries
          </h2>
          <DataTable
            caption="History entries"
            testId="history-table"
            columns={['time', 'action', 'entity type', 'entity', 'name', 'source', 'target', 'detail']}
            rows={cur.values.map((v) => [v.createdDate, v.action, v.entityType, v.entityId, v.name ?? '', v.source, v.target ?? '', v.id])}
            render={(_i, j, v) =>
              j === 3 ? (
                <button type="button" className="link" onClick={() => setParams({ entity: String(v) })} aria-label={`Timeline of ${String(v)}`}>
                  {String(v).slice(0, 8)}…
                </button>
              ) : j === 7 ? (
                <button type="button" className="link" onClick={() => setParams({ entry: String(v) })} aria-label={`Details of entry ${String(v)}`}>
                  details
                </button>
              ) : (
                String(v ?? '')
              )
            }
          />
          <div className="pager">
            <button type="button" disabled={pageNo <= 0} onClick={() => setParams({ page: String(pageNo - 1) })}>
              Previous
            </button>
            <span>
              page {pageNo + 1} of {Math.max(cur.totalPages, 1)}
            </span>
            <button type="button" disabled={pageNo + 1 >= cur.totalPages} onClick={() => setParams({ page: String(pageNo + 1) })} data-testid="next-page">
              Next
            </button>
          </div>
        </section>
      )}
      {entry && <EntryDetail id={entry} onClose={() => setParams({ entry: null })} />}
    </>
  );
}

function EntryDetail({ id, onClose }: { id: string; onClose: () => void }) {
  const [d, setD] = useState<Schemas['HistoryDetailDto'] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.GET('/api/history/v1/{id}', { params: { path: { id } } }).then(
      (r) => setD(ok(r)),
      (e: Error) => setError(e.message),
    );
  }, [id]);
  return (
    <section className="panel" aria-labelledby="entry-title" data-testid="entry-detail">
      <div className="panel-head">
        <h2 id="entry-title">Entry {id}</h2>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      {d && (
        <dl className="detail">
          {Object.entries(d)
            .filter(([k]) => k !== 'metadata')
            .map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{String(v ?? '')}</dd>
              </div>
            ))}
          <div>
            <dt>metadata</dt>
            <dd>
              <pre data-testid="entry-metadata">{JSON.stringify(d.metadata, null, 2)}</pre>
            </dd>
          </div>
        </dl>
      )}
    </section>
  );
}

/** Everything that happened to one entity (credential, proof, DID, …), oldest first. */
function EntityTimeline({ entityId, onBack, onOpen }: { entityId: string; onBack: () => void; onOpen: (id: string) => void }) {
  const [values, setValues] = useState<Schemas['HistoryEntryDto'][] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    (async () => {
      const out: Schemas['HistoryEntryDto'][] = [];
      let cursor: string | undefined;
      for (let n = 0; n < 20; n++) {
        const p = ok(await api.GET('/api/history/v1', { params: { query: { entityId, sort: 'createdDate', sortDirection: 'ASC', pageSize: 1000, ...(cursor ? { cursor } : {}) } } }));
        out.push(...p.values);
        if (!p.nextCursor) break;
        cursor = p.nextCursor;
      }
      setValues(out);
    })().catch((e: Error) => setError(e.message));
  }, [entityId]);
  return (
    <>
      <h1>Timeline of {entityId}</h1>
      <button type="button" onClick={onBack}>
        Back to the explorer
      </button>
      {error && <p className="error" role="alert">{error}</p>}
      {values && (
        <ol className="timeline" data-testid="entity-timeline">
          {values.map((v) => (
            <li key={v.id}>
              <time dateTime={v.createdDate}>{v.createdDate}</time> <strong>{v.action}</strong> {v.entityType} {v.name ? `“${v.name}”` : ''} {v.target ? `→ ${v.target}` : ''}{' '}
              <button type="button" className="link" onClick={() => onOpen(v.id)}>
                details
              </button>
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
