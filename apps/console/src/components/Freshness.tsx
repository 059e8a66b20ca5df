import { useEffect, useState } from 'react';
import { fetchFreshness } from '../api';

/** "data as of …": the watermark the API returns (history read model headers), refreshed every 10 s. */
export function Freshness() {
  const [f, setF] = useState<{ newest: string | null; lagMs: number | null } | null>(null);
  const [err, setErr] = useState(false);
  useEffect(() => {
    let stop = false;
    const load = () =>
      fetchFreshness().then(
        (x) => !stop && (setF(x), setErr(false)),
        () => !stop && setErr(true),
      );
    void load();
    const t = setInterval(load, 10000);
    return () => {
      stop = true;
      clearInterval(t);
    };
  }, []);
  return (
    <p className="freshness" data-testid="freshness" data-newest={f?.newest ?? ''} aria-live="polite">
      {err ? 'data as of: unavailable' : !f ? 'data as of: …' : f.newest ? `data as of ${new Date(f.newest).toISOString().replace('T', ' ').slice(0, 19)} UTC` : 'data as of: no events yet'}
      {f?.lagMs !== null && f?.lagMs !== undefined && !err ? <span className="lag"> (lag {(f.lagMs / 1000).toFixed(1)} s)</span> : null}
    </p>
  );
}
