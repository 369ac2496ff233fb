import { type FormEvent, useEffect, useState } from 'react';
import type { UserProfile } from '../../functions/api/schemas/me';
import { ApiError, createClient, devSignIn, loadConfig, type RuntimeConfig } from './api';

const tokenKey = 'acp.token';

function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = error.problem.errors?.map((e) => `${e.field}: ${e.message}`).join('; ');
    return fields ? `${error.problem.title}: ${fields}` : `${error.problem.title}: ${error.problem.detail}`;
  }
  return String(error);
}

function SignIn({ config, onToken }: { config: RuntimeConfig; onToken: (token: string) => void }) {
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      onToken(await devSignIn(config, email));
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <form onSubmit={submit} aria-label="Sign in">
      <h1>Sign in</h1>
      <label>
        Email{' '}
        <input name="email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
      </label>
      <button type="submit">Sign in</button>
      {error && <p role="alert">{error}</p>}
    </form>
  );
}

function Welcome({
  profile,
  save,
}: {
  profile: UserProfile;
  save: (timezone: string, theme: 'system' | 'light' | 'dark') => Promise<void>;
}) {
  const [timezone, setTimezone] = useState(
    Intl.DateTimeFormat().resolvedOptions().timeZone || profile.timezone,
  );
  const [theme, setTheme] = useState<'system' | 'light' | 'dark'>(profile.preferences.theme ?? 'system');
  const [error, setError] = useState<string>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await save(timezone, theme);
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <form onSubmit={submit} aria-label="Welcome">
      <h1>Welcome, {profile.name ?? profile.email}</h1>
      <label>
        Time zone <input name="timezone" value={timezone} onChange={(e) => setTimezone(e.target.value)} />
      </label>
      <label>
        Theme{' '}
        <select name="theme" value={theme} onChange={(e) => setTheme(e.target.value as typeof theme)}>
          <option value="system">System</option>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </select>
      </label>
      <button type="submit">Save</button>
      {error && <p role="alert">{error}</p>}
    </form>
  );
}

export function App() {
  const [config, setConfig] = useState<RuntimeConfig>();
  const [token, setToken] = useState(() => sessionStorage.getItem(tokenKey) ?? undefined);
  const [profile, setProfile] = useState<{ data: UserProfile; etag?: string }>();

  useEffect(() => {
    loadConfig().then(setConfig);
  }, []);
  useEffect(() => {
    if (config && token) createClient(config, token).getMe().then(setProfile);
  }, [config, token]);

  if (!config) return <p>Loading…</p>;
  if (!token) {
    return (
      <SignIn
        config={config}
        onToken={(t) => {
          sessionStorage.setItem(tokenKey, t);
          setToken(t);
        }}
      />
    );
  }
  if (!profile) return <p>Loading profile…</p>;
  const me = profile.data;
  if (!me.welcomeFormCompleted) {
    return (
      <Welcome
        profile={me}
        save={async (timezone, theme) =>
          setProfile(
            await createClient(config, token).updateMe({ timezone, preferences: { theme } }, profile.etag),
          )
        }
      />
    );
  }
  return (
    <main>
      <h1>{me.name ?? me.email}</h1>
      <dl aria-label="Profile">
        <dt>Email</dt>
        <dd>{me.email}</dd>
        <dt>Time zone</dt>
        <dd data-testid="timezone">{me.timezone}</dd>
      </dl>
    </main>
  );
}
