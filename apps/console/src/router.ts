import { useCallback, useEffect, useState } from 'react';

/** The console's pages; the path is `/console/<page>` and every filter is in the query string. */
export const PAGES = ['reports', 'activity', 'history', 'live'] as const;
export type Page = (typeof PAGES)[number];

function current(): { page: Page; params: URLSearchParams } {
  const seg = location.pathname.replace(/^\/console\/?/, '').split('/')[0] as Page;
  return { page: PAGES.includes(seg) ? seg : 'reports', params: new URLSearchParams(location.search) };
}

const listeners = new Set<() => void>();
window.addEventListener('popstate', () => listeners.forEach((l) => l()));

export function navigate(url: string, replace = false): void {
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  listeners.forEach((l) => l());
}

/** The current page and its URL parameters; re-renders on navigation. */
export function useRoute(): { page: Page; params: URLSearchParams } {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const l = () => setRoute(current());
    listeners.add(l);
    return () => void listeners.delete(l);
  }, []);
  return route;
}

/** Sets URL parameters of the current page (empty values removed); filters are therefore shareable links. */
export function useSetParams(): (changes: Record<string, string | null | undefined>, opts?: { replace?: boolean }) => void {
  return useCallback((changes, opts) => {
    const p = new URLSearchParams(location.search);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null || v === undefined || v === '') p.delete(k);
      else p.set(k, v);
    }
    const qs = p.toString();
    navigate(location.pathname + (qs ? `?${qs}` : ''), opts?.replace);
  }, []);
}
