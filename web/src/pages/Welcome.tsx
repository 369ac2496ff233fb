import { type FormEvent, useState } from 'react';
import type { UserProfile } from '../../../functions/api/schemas/me';
import { errorText } from '../api';

export type Theme = 'system' | 'light' | 'dark';

export function Welcome({
  profile,
  save,
}: {
  profile: UserProfile;
  save: (timezone: string, theme: Theme) => Promise<void>;
}) {
  const [timezone, setTimezone] = useState(
    Intl.DateTimeFormat().resolvedOptions().timeZone || profile.timezone,
  );
  const [theme, setTheme] = useState<Theme>(profile.preferences.theme ?? 'system');
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
        <select name="theme" value={theme} onChange={(e) => setTheme(e.target.value as Theme)}>
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
