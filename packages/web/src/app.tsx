import { Suspense, lazy, useEffect, useMemo, useState } from 'react';
import { Link, Route, Router, Switch, useRoute } from 'wouter';
import { useHashLocation } from 'wouter/use-hash-location';
import { ApiError } from './api/api-error.js';
import { EventFeed, type FeedStatus, eventStreamUrl } from './api/event-feed.js';
import { LabApi } from './api/lab-api.js';
import { LabContext, type Lab } from './lab-context.js';
import { LoginPage } from './pages/login-page.js';
import { tokenStore } from './token-store.js';

// Each page is a chunk of its own, loaded when first opened (the plots only with the live view).
const SequencesPage = lazy(() => import('./pages/sequences-page.js'));
const EditorPage = lazy(() => import('./pages/editor-page.js'));
const RunPage = lazy(() => import('./pages/run-page.js'));
const LivePage = lazy(() => import('./pages/live-page.js'));
const GlobalsPage = lazy(() => import('./pages/globals-page.js'));
const DevicesPage = lazy(() => import('./pages/devices-page.js'));

const STATUS_TEXT: Record<FeedStatus, string> = {
  connecting: 'connecting…',
  open: 'live',
  reconnecting: 'connection lost: reconnecting…',
  refused: 'the server refused the token: log in again',
  closed: 'closed',
};

function NavLink({ to, children }: { to: string; children: string }) {
  const [active] = useRoute(`${to}/*?`);
  return (
    <Link href={to} className={active ? 'nav-link active' : 'nav-link'}>
      {children}
    </Link>
  );
}

/** The logged-in page: the header with the pages and the connection state, and the page shown. */
function ControlRoom({ token, onLogout }: { token: string; onLogout: (reason?: string) => void }) {
  const [status, setStatus] = useState<FeedStatus>('connecting');
  const lab = useMemo<Lab>(() => {
    const api = new LabApi(token);
    const feed = new EventFeed({
      url: eventStreamUrl(window.location),
      token,
      onStatus: setStatus,
    });
    return { api, feed };
  }, [token]);
  useEffect(() => () => lab.feed.close(), [lab]);
  useEffect(() => {
    if (status === 'refused') onLogout('the server no longer accepts this token');
  }, [status, onLogout]);
  return (
    <LabContext.Provider value={lab}>
      <header className="top">
        <span className="brand">shotline</span>
        <nav>
          <NavLink to="/sequences">Sequences</NavLink>
          <NavLink to="/run">Run</NavLink>
          <NavLink to="/live">Live</NavLink>
          <NavLink to="/globals">Globals</NavLink>
          <NavLink to="/devices">Devices</NavLink>
        </nav>
        <span className={`feed feed-${status}`} data-testid="feed-status">
          {STATUS_TEXT[status]}
        </span>
        <button type="button" className="link" onClick={() => onLogout()}>
          Log out
        </button>
      </header>
      <main>
        <Suspense fallback={<p className="muted">loading…</p>}>
          <Switch>
            <Route path="/sequences" component={SequencesPage} />
            <Route path="/edit/:path">{(p) => <EditorPage path={p.path} />}</Route>
            <Route path="/run/:path?">{(p) => <RunPage path={p.path} />}</Route>
            <Route path="/live/:path?">{(p) => <LivePage path={p.path} />}</Route>
            <Route path="/globals" component={GlobalsPage} />
            <Route path="/devices" component={DevicesPage} />
            <Route>
              <SequencesPage />
            </Route>
          </Switch>
        </Suspense>
      </main>
    </LabContext.Provider>
  );
}

/** The web control room: log in with a token, then the pages, all through the lab server's API. */
export function App() {
  const [token, setToken] = useState<string | null>(() => tokenStore.load());
  const [notice, setNotice] = useState<string | undefined>();

  const login = async (candidate: string): Promise<void> => {
    try {
      await new LabApi(candidate).sequences();
    } catch (error) {
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
        throw new Error(`the server refused this token (${error.message})`, { cause: error });
      }
      throw error;
    }
    tokenStore.save(candidate);
    setNotice(undefined);
    setToken(candidate);
  };
  const logout = useMemo(
    () => (reason?: string) => {
      tokenStore.clear();
      setNotice(reason);
      setToken(null);
    },
    [],
  );

  return (
    <Router hook={useHashLocation}>
      {token ? (
        <ControlRoom key={token} token={token} onLogout={logout} />
      ) : (
        <LoginPage onLogin={login} notice={notice} />
      )}
    </Router>
  );
}
