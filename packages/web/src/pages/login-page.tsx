import { type FormEvent, useState } from 'react';

/** Log in with a token (`shotline token create <user>`, or the one `shotline demo --serve` prints). */
export function LoginPage({
  onLogin,
  notice,
}: {
  onLogin: (token: string) => Promise<void>;
  notice: string | undefined;
}) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await onLogin(token.trim());
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="login" onSubmit={(e) => void submit(e)}>
      <h1>shotline control room</h1>
      {notice && <p className="warning">{notice}</p>}
      <label>
        Token
        <input
          name="token"
          type="password"
          autoComplete="current-password"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          placeholder="slt_…"
          autoFocus
        />
      </label>
      <p className="muted">
        Create one on the lab PC with <code>shotline token create &lt;user&gt;</code>.
      </p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy || token.trim() === ''}>
        Log in
      </button>
    </form>
  );
}
