import type { MigrationInterface, QueryRunner } from 'typeorm';
import {
  ANALYST_ROLE,
  ANALYTICS_OWNER_ROLE,
  disableAnalyticsRls,
  enableAnalyticsRls,
  LOGIN_ORGANISATION_SQL,
} from '../analytics-roles';
import { ensureNoLoginRole } from '@cep/platform';

/** The read-model tables the analytics v1 views and functions read (each has `organisation_id`). */
export const ANALYTICS_V1_SOURCES: Record<string, readonly string[]> = {
  reports: ['daily_counts'],
  activity: ['records', 'activities'],
  history: ['entries'],
  event_log: ['events'],
};

/** The views of analytics v1 (docs/analytics.md "Contract"): name → SELECT. Column names and types are the contract. */
const V1_VIEWS: [string, string][] = [
  ['contract_version', `SELECT 'v1'::text AS version`],
  [
    'activity_records',
    `SELECT r.organisation_id, r.id AS event_id, r.activity_id, r.event_type, r.ts AS occurred_at, r.actor_profile_id,
            r.recipient_type, r.recipient_identifier, r.boost_uri, r.credential_uri, r.inbox_credential_id, r.integration_id,
            r.source, r.metadata
     FROM activity.records r`,
  ],
  [
    'activity_chains',
    `SELECT a.organisation_id, a.activity_id, a.latest_event_type AS status, a.latest_ts AS status_at, a.latest_event_id,
            a.boost_uri, a.integration_id, a.recipient_type, a.recipient_identifier, a.started_at, a.sent_at, a.claimed_at,
            a.event_count,
            a.latest_event_type = 'CREATED' AS created, a.latest_event_type = 'DELIVERED' AS delivered,
            a.latest_event_type = 'CLAIMED' AS claimed, a.latest_event_type = 'EXPIRED' AS expired,
            a.latest_event_type = 'FAILED' AS failed,
            CASE WHEN a.sent_at IS NOT NULL AND a.claimed_at IS NOT NULL
                 THEN (extract(epoch FROM a.claimed_at - a.sent_at) * 1000)::double precision END AS time_to_claim_ms
     FROM activity.activities a`,
  ],
  [
    'history_entries',
    `SELECT e.organisation_id, e.id AS entry_id, e.created_date AS created_at, e.action, e.entity_id, e.entity_type, e.name,
            e.source, e.target, e.event_type, e.metadata, e.related_ids
     FROM history.entries e`,
  ],
  [
    'session_events',
    `SELECT e.organisation_id, e.event_id, e.seq, to_timestamp(e.ts_ms / 1000.0) AS occurred_at, e.event_type, e.status,
            e.action, e.target, e.originator, e.call_id, e.session_id, e.format, e.credential_type, e.signature_algorithm,
            e.published
     FROM event_log.events e`,
  ],
];

/**
 * Daily credential counts in a time zone: the rows of `POST /v1/events/credential-reports` for the same query
 * (libs/reports report-query.service.ts + report-time.ts, in SQL). Each local date's UTC interval [start, end) is
 * found as the API finds it: a fixed offset moves local midnight; an IANA zone takes local midnight and then moves in
 * 15-minute steps to the first instant whose local date is that date (DST gaps and repeated hours). An interval is
 * then Σ day totals of the UTC days in [dayA, dayB) − cum_dayA[kA] + cum_dayB[kB] over `reports.daily_counts`.
 */
const CREDENTIAL_COUNTS_DAILY_V1 = `CREATE FUNCTION analytics.credential_counts_daily(
    time_zone text, start_date date, end_date date, profiles text[] DEFAULT NULL)
  RETURNS TABLE (date date, operation text, profile text, credential_type text, count bigint)
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  -- A few hundred small rows: JIT compilation would cost more than the whole query.
  SET jit = off
AS $fn$
#variable_conflict use_column
DECLARE
  org text;
  m text[];
  offset_min int;
  iana text;
  d date;
  x timestamptz;
  nxt timestamptz;
  day_b date;
  k_b int;
  day_a date;
  k_a int;
  u date;
  lo date;
  hi date;
  -- One element per (local date, UTC day it touches): the day's total counts in full before the end's UTC day,
  -- cum[minus_k] is taken off on the start's UTC day, cum[plus_k] added on the end's (0 = nothing).
  t_date date[] := '{}';
  t_day date[] := '{}';
  t_full boolean[] := '{}';
  t_minus int[] := '{}';
  t_plus int[] := '{}';
BEGIN
  IF time_zone IS NULL OR start_date IS NULL OR end_date IS NULL THEN
    RAISE EXCEPTION 'time_zone, start_date and end_date are required' USING ERRCODE = '22023';
  END IF;
  IF end_date < start_date THEN
    RAISE EXCEPTION 'end_date must not be before start_date' USING ERRCODE = '22023';
  END IF;
  m := regexp_match(time_zone, '^(?:Z|([+-])(\\d{2}):(\\d{2}))$');
  IF m IS NOT NULL THEN
    IF m[1] IS NULL THEN
      offset_min := 0;
    ELSE
      IF m[3]::int > 59 THEN RAISE EXCEPTION 'time_zone offset minutes must be 00-59' USING ERRCODE = '22023'; END IF;
      IF m[2]::int * 60 + m[3]::int > 840 THEN RAISE EXCEPTION 'time_zone offset must be between -14:00 and +14:00' USING ERRCODE = '22023'; END IF;
      IF m[3]::int % 15 <> 0 THEN RAISE EXCEPTION 'time_zone offset minutes must be 00, 15, 30 or 45' USING ERRCODE = '22023'; END IF;
      offset_min := (CASE WHEN m[1] = '-' THEN -1 ELSE 1 END) * (m[2]::int * 60 + m[3]::int);
    END IF;
  ELSE
    -- An IANA name (a name with '/' is always looked up in the tz database; others, e.g. UTC or EST5EDT, must be
    -- listed in it: PostgreSQL would also take POSIX specs and abbreviations, which are not IANA zones).
    IF time_zone !~ '^[A-Za-z][A-Za-z0-9_+\\-/]{0,63}$'
       OR (position('/' IN time_zone) = 0 AND time_zone <> 'UTC' AND NOT EXISTS (SELECT 1 FROM pg_timezone_names z WHERE z.name = time_zone)) THEN
      RAISE EXCEPTION 'time_zone must be an ISO-8601 offset (Z, +02:00) or an IANA time zone name (Europe/Berlin)' USING ERRCODE = '22023';
    END IF;
    BEGIN
      PERFORM now() AT TIME ZONE time_zone;
    EXCEPTION WHEN invalid_parameter_value THEN
      RAISE EXCEPTION 'time_zone must be an ISO-8601 offset (Z, +02:00) or an IANA time zone name (Europe/Berlin)' USING ERRCODE = '22023';
    END;
    iana := time_zone;
  END IF;

  org := ${LOGIN_ORGANISATION_SQL};
  IF org IS NULL THEN
    RETURN;
  END IF;

  -- Local dates from the last to the first; each one ends where the next one starts.
  d := end_date + 1;
  LOOP
    IF iana IS NULL THEN
      x := (d::timestamp AT TIME ZONE 'UTC') - make_interval(mins => offset_min);
    ELSE
      x := d::timestamp AT TIME ZONE iana;
      IF mod(extract(epoch FROM x), 900) <> 0 THEN
        RAISE EXCEPTION 'the zone''s UTC offset on % is not a multiple of 15 minutes; reports need 15-minute aligned offsets', to_char(d, 'YYYY-MM-DD')
          USING ERRCODE = '22023';
      END IF;
      FOR i IN 1..200 LOOP
        EXIT WHEN (x AT TIME ZONE iana)::date >= d;
        x := x + interval '15 minutes';
      END LOOP;
      FOR i IN 1..200 LOOP
        EXIT WHEN ((x - interval '15 minutes') AT TIME ZONE iana)::date < d;
        x := x - interval '15 minutes';
      END LOOP;
    END IF;
    IF d <= end_date THEN
      -- [x, nxt): the start as (UTC day, k), the end as (UTC day, k) with an end at 00:00 as (previous day, 96).
      day_b := (nxt AT TIME ZONE 'UTC')::date;
      k_b := ((extract(epoch FROM nxt) - extract(epoch FROM day_b::timestamp AT TIME ZONE 'UTC')) / 900)::int;
      IF k_b = 0 THEN
        day_b := day_b - 1;
        k_b := 96;
      END IF;
      day_a := (x AT TIME ZONE 'UTC')::date;
      lo := day_a;
      hi := coalesce(hi, day_b);
      k_a := ((extract(epoch FROM x) - extract(epoch FROM day_a::timestamp AT TIME ZONE 'UTC')) / 900)::int;
      u := day_a;
      WHILE u <= day_b LOOP
        t_date := t_date || d;
        t_day := t_day || u;
        t_full := t_full || (u < day_b);
        t_minus := t_minus || CASE WHEN u = day_a THEN k_a ELSE 0 END;
        t_plus := t_plus || CASE WHEN u = day_b THEN k_b ELSE 0 END;
        u := u + 1;
      END LOOP;
    END IF;
    EXIT WHEN d <= start_date;
    nxt := x;
    d := d - 1;
  END LOOP;

  -- Each stored UTC day row meets the one to three local dates whose interval touches it; of its array only the day
  -- total and the cum[k] needed are read.
  RETURN QUERY EXECUTE $q$
    WITH touch AS (
      SELECT * FROM unnest($1::date[], $2::date[], $3::boolean[], $4::int[], $5::int[]) AS t(d, day, full_day, minus_k, plus_k)
    ), counted AS (
      SELECT t.d, r.operation, r.profile, r.credential_type,
             sum(CASE WHEN t.full_day THEN r.cum[96] ELSE 0 END
                 - CASE WHEN t.minus_k > 0 THEN r.cum[t.minus_k] ELSE 0 END
                 + CASE WHEN t.plus_k > 0 THEN r.cum[t.plus_k] ELSE 0 END)::bigint AS n
      FROM touch t JOIN reports.daily_counts r ON r.day = t.day
      WHERE r.organisation_id = $6 AND r.day >= $7 AND r.day <= $8 AND ($9::text[] IS NULL OR r.profile = ANY ($9::text[]))
      GROUP BY t.d, r.operation, r.profile, r.credential_type
    )
    SELECT c.d, c.operation::text, c.profile::text, nullif(c.credential_type, '')::text, c.n
    FROM counted c WHERE c.n > 0
    ORDER BY c.d DESC, c.operation, c.profile, c.credential_type$q$
  USING t_date, t_day, t_full, t_minus, t_plus, org, lo, hi, profiles;
END
$fn$`;

/**
 * The `analytics` schema, version 1 (docs/analytics.md): the stable SQL surface for BI tools.
 *
 * - `analytics.login_organisations (login, organisation_id)`: binds a database login to one organisation. An operator
 *   creates a LOGIN role IN ROLE cep_analyst and inserts its row; a login without a row sees nothing.
 * - views `activity_records`, `activity_chains`, `history_entries`, `session_events`, `contract_version`
 *   (security_barrier, owned by `cep_analytics_owner`) and the function `credential_counts_daily(...)`
 *   (SECURITY DEFINER, same owner).
 * - row-level security: every read-model table the layer reads admits the owner role only to the rows of the
 *   login's organisation (`enableAnalyticsRls`); the mapping table shows a login only its own row.
 * - `cep_analyst` gets USAGE on `analytics` and SELECT/EXECUTE on the contract, nothing else.
 *
 * The views name the read-model tables; a projection rebuild re-creates them on the swapped-in schema inside the
 * swap transaction (tools/projection/projection-rebuild.ts `rebindDependentViews`).
 */
export class AnalyticsV11732000140000 implements MigrationInterface {
  name = 'AnalyticsV11732000140000';

  async up(q: QueryRunner): Promise<void> {
    await ensureNoLoginRole(q, ANALYST_ROLE);
    await ensureNoLoginRole(q, ANALYTICS_OWNER_ROLE);
    await q.query(`CREATE SCHEMA analytics`);
    await q.query(`REVOKE ALL ON SCHEMA analytics FROM PUBLIC`);
    await q.query(`GRANT USAGE ON SCHEMA analytics TO ${ANALYST_ROLE}, ${ANALYTICS_OWNER_ROLE}`);

    await q.query(`CREATE TABLE analytics.login_organisations (
      login name PRIMARY KEY,
      organisation_id text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`ALTER TABLE analytics.login_organisations ENABLE ROW LEVEL SECURITY`);
    await q.query(
      `CREATE POLICY own_login ON analytics.login_organisations FOR SELECT TO ${ANALYST_ROLE}, ${ANALYTICS_OWNER_ROLE} USING (login = session_user)`,
    );
    await q.query(`GRANT SELECT ON analytics.login_organisations TO ${ANALYST_ROLE}, ${ANALYTICS_OWNER_ROLE}`);

    for (const [schema, tables] of Object.entries(ANALYTICS_V1_SOURCES)) await enableAnalyticsRls(q, schema, tables);

    for (const [name, select] of V1_VIEWS) {
      await q.query(`CREATE VIEW analytics.${name} WITH (security_barrier = true) AS ${select}`);
      await q.query(`ALTER VIEW analytics.${name} OWNER TO ${ANALYTICS_OWNER_ROLE}`);
      await q.query(`GRANT SELECT ON analytics.${name} TO ${ANALYST_ROLE}`);
    }
    await q.query(CREDENTIAL_COUNTS_DAILY_V1);
    const fn = `analytics.credential_counts_daily(text, date, date, text[])`;
    await q.query(`ALTER FUNCTION ${fn} OWNER TO ${ANALYTICS_OWNER_ROLE}`);
    // New functions are executable by PUBLIC by default (which has no USAGE on the schema); revoked all the same.
    await q.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION ${fn} TO ${ANALYST_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA analytics CASCADE`);
    for (const [schema, tables] of Object.entries(ANALYTICS_V1_SOURCES)) await disableAnalyticsRls(q, schema, tables);
  }
}
