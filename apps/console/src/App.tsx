import { useEffect, useState } from 'react';
import { onTokenChange, setToken, startOidcSignIn, token, type RuntimeConfig } from './auth';
import { Freshness } from './components/Freshness';
import { Activity } from './pages/Activity';
import { History } from './pages/History';
import { Live } from './pages/Live';
import { Reports } from './pages/Reports';
import { navigate, PAGES, useRoute, type Page } from './router';

const TITLES: Record<Page, string> = { reports: 'Reports', activity: 'Activity', history: 'History', live: 'Live' };

export function App({ config, bootError }: { config: RuntimeConfig; bootError?: string }) {
  const [signedIn, setSignedIn] = useState(() => token() !== null);
  useEffect(() => onTokenChange(() => setSignedIn(token() !== null)), []);
  const { page } = useRoute();
  useEffect(() => {
    document.title = `${TITLES[page]} · Credential events console`;
  }, [page]);
  if (!signedIn) return <SignIn config={config} error={bootError} />;
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Credential events</span>
        <nav aria-label="Pages">
          <ul>
            {PAGES.map((p) => (
              <li key={p}>
                <a
                  href={`/console/${p}`}
                  aria-current={p === page ? 'page' : undefined}
                  onClick={(e) => {
                    e.preventDefault();
                    navigate(`/console/${p}`);
                  }}
                >
                  {TITLES[p]}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <Freshness />
        <button type="button" className="signout" onClick={() => setToken(null)}>
          Sign out
        </button>
      </header>
      <main id="main" data-page={page}>
        {page === 'reports' && <Reports />}
        {page === 'activity' && <Activity />}
        {page === 'history' && <History />}
        {page === 'live' && <Live />}
      </main>
    </>
  );
}

function SignIn({ config, error }: { config: RuntimeConfig; error?: string }) {
  const [dev, setDev] = useState('');
  const [err, setErr] = useState(error ?? null);
  return (
    <main id="main" className="signin">
      <h1>Sign in to the credential events console</h1>
      {err && (
        <p className="error" role="alert">
          {err}
        </p>
      )}
      {config.oidc && (
        <button type="button" className="primary" data-testid="oidc-signin" onClick={() => void startOidcSignIn(config, location.pathname + location.search).catch((e: Error) => setErr(e.message))}>
          Sign in with your organisation (OpenID Connect)
        </button>
      )}
      {config.devSignIn && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (dev.trim()) setToken(dev.trim());
          }}
        >
          <label>
            Development token (<code>npm run token</code>, or open the link <code>npm start</code> prints)
            <textarea value={dev} onChange={(e) => setDev(e.target.value)} rows={3} autoComplete="off" spellCheck={false} data-testid="dev-token" />
          </label>
          <button type="submit">Use this token</button>
        </form>
      )}
      {!config.oidc && !config.devSignIn && <p>No sign-in method is configured (set CONSOLE_OIDC_ISSUER and CONSOLE_OIDC_CLIENT_ID on the gateway).</p>}
    </main>
  );
}
