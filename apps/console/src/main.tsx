import { createRoot } from 'react-dom/client';
import { App } from './App';
import { completeOidcSignIn, takeTokenFromFragment, type RuntimeConfig } from './auth';
import { navigate } from './router';
import './styles.css';

async function boot(): Promise<void> {
  const root = createRoot(document.getElementById('root')!);
  let config: RuntimeConfig = { devSignIn: false, oidc: null };
  let bootError: string | undefined;
  try {
    config = (await (await fetch('/console/config.json', { cache: 'no-store' })).json()) as RuntimeConfig;
    takeTokenFromFragment(config);
    const returnTo = await completeOidcSignIn(config);
    if (returnTo) navigate(returnTo, true);
  } catch (e) {
    bootError = (e as Error).message;
  }
  root.render(<App config={config} bootError={bootError} />);
}

void boot();
