import { type FormEvent, useState } from 'react';
import { devSignIn, errorText, type RuntimeConfig } from '../api';
import { startHostedSignIn } from '../hosted-sign-in';

export function SignIn({
  config,
  onToken,
  error: initialError,
}: {
  config: RuntimeConfig;
  onToken: (token: string) => void;
  error?: string;
}) {
  const [email, setEmail] = useState('');
  const [error, setError] = useState(initialError);
  const { auth } = config;

  if (auth.mode === 'cognito') {
    return (
      <section aria-label="Sign in">
        <h1>Sign in</h1>
        <button
          type="button"
          onClick={() => startHostedSignIn(auth).catch((err) => setError(errorText(err)))}
        >
          Sign in
        </button>
        {error && <p role="alert">{error}</p>}
      </section>
    );
  }
  if (auth.mode === 'propelauth') {
    return (
      <section aria-label="Sign in">
        <h1>Sign in</h1>
        <p>
          This deployment trusts PropelAuth ({auth.issuer}). The admin site does not host PropelAuth sign-in
          yet; call the API with a PropelAuth access token.
        </p>
      </section>
    );
  }
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
