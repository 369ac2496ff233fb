import { type FormEvent, useState } from 'react';
import { acceptInvite, createOrg, listMyInvites, listMyOrgs } from '../../../functions/api/routes/tenancy';
import { errorText } from '../api';
import { forgetInviteToken } from '../invite-link';
import { useLoad, useSession } from '../session';

export function Orgs() {
  const { api } = useSession();
  const orgs = useLoad(async () => (await api(listMyOrgs, { query: { limit: 100 } })).data.items, 'me');
  const invites = useLoad(async () => (await api(listMyInvites, { query: { limit: 100 } })).data.items, 'me');
  const [name, setName] = useState('');
  const [error, setError] = useState<string>();

  const create = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const { data } = await api(createOrg, { body: { name } });
      window.location.hash = `#/orgs/${data.id}`;
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <section>
      <h2>Your organizations</h2>
      <ul aria-label="Organizations">
        {orgs.data?.map(({ org, role }) => (
          <li key={org.id}>
            <a href={`#/orgs/${org.id}`}>{org.displayName ?? org.name}</a> <span>({role})</span>
          </li>
        ))}
      </ul>
      {orgs.data?.length === 0 && <p>You are not in any organization yet.</p>}

      {invites.data && invites.data.length > 0 && (
        <>
          <h2>Invitations for you</h2>
          <ul aria-label="Invitations">
            {invites.data.map((invite) => (
              <li key={invite.id}>
                {invite.orgName} as {invite.role} (expires {new Date(invite.expiresAt).toLocaleDateString()}){' '}
                <span>Open the link from your email to accept.</span>
              </li>
            ))}
          </ul>
        </>
      )}

      <form onSubmit={create} aria-label="Create organization">
        <h2>Create an organization</h2>
        <label>
          Name <input name="orgName" value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <button type="submit">Create</button>
        {error && <p role="alert">{error}</p>}
      </form>
    </section>
  );
}

export function AcceptInvite({ token }: { token: string }) {
  const { api } = useSession();
  const [state, setState] = useState<{ error?: string; orgId?: string }>({});
  const accept = async () => {
    try {
      const { data } = await api(acceptInvite, { body: { token } });
      forgetInviteToken();
      setState({ orgId: data.orgId });
      window.location.assign(`/#/orgs/${data.orgId}`);
    } catch (err) {
      setState({ error: errorText(err) });
    }
  };
  return (
    <section>
      <h2>Accept invitation</h2>
      <button type="button" onClick={accept}>
        Accept invitation
      </button>
      {state.error && <p role="alert">{state.error}</p>}
    </section>
  );
}
