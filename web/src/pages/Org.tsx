import { type FormEvent, useState } from 'react';
import type { OrgRole } from '../../../functions/api/permissions';
import { can, orgRoles } from '../../../functions/api/permissions';
import {
  createInvite,
  getMyMembership,
  getOrg,
  listAudit,
  listInvites,
  listMembers,
  revokeInvite,
  updateMember,
} from '../../../functions/api/routes/tenancy';
import { errorText } from '../api';
import { useLoad, useSession } from '../session';

export function Org({ orgId }: { orgId: string }) {
  const { api } = useSession();
  const org = useLoad(async () => (await api(getOrg, { params: { orgId } })).data, orgId);
  const me = useLoad(async () => (await api(getMyMembership, { params: { orgId } })).data, orgId);
  const members = useLoad(
    async () => (await api(listMembers, { params: { orgId }, query: { limit: 100 } })).data.items,
    orgId,
  );
  const myRole = me.data?.role;
  // Every change writes an audit entry, so the log reloads with the members after each one.
  const [changes, setChanges] = useState(0);
  const changed = () => {
    members.reload();
    me.reload();
    setChanges((n) => n + 1);
  };

  const failed = org.error ?? me.error;
  if (failed) return <p role="alert">{errorText(failed)}</p>;
  if (!org.data || !myRole) return <p>Loading…</p>;
  return (
    <section>
      <h2>{org.data.displayName ?? org.data.name}</h2>
      <p>
        Plan {org.data.plan}, {org.data.memberCount} of {org.data.limits.maxUsers} members. Your role:{' '}
        {myRole}. <a href={`#/orgs/${orgId}/calendar`}>Calendar</a>
      </p>
      <Members orgId={orgId} myRole={myRole} members={members.data ?? []} reload={changed} />
      {can(myRole, 'invites:read') && <Invites orgId={orgId} onChange={changed} />}
      {can(myRole, 'audit:read') && <Audit orgId={orgId} version={changes} />}
    </section>
  );
}

function Members({
  orgId,
  myRole,
  members,
  reload,
}: {
  orgId: string;
  myRole: OrgRole;
  members: { userId: string; email: string; role: OrgRole; version: number }[];
  reload(): void;
}) {
  const { api } = useSession();
  const [error, setError] = useState<string>();
  const changeRole = async (userId: string, version: number, role: OrgRole) => {
    try {
      await api(updateMember, { params: { orgId, userId }, body: { role }, etag: `"${version}"` });
      setError(undefined);
      reload();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <>
      <h3>Members</h3>
      <table aria-label="Members">
        <tbody>
          {members.map((m) => (
            <tr key={m.userId}>
              <td>{m.email}</td>
              <td>
                {can(myRole, 'members:update') ? (
                  <select
                    aria-label={`Role of ${m.email}`}
                    value={m.role}
                    onChange={(e) => changeRole(m.userId, m.version, e.target.value as OrgRole)}
                  >
                    {orgRoles.map((r) => (
                      <option key={r}>{r}</option>
                    ))}
                  </select>
                ) : (
                  m.role
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {error && <p role="alert">{error}</p>}
    </>
  );
}

function Invites({ orgId, onChange }: { orgId: string; onChange(): void }) {
  const { api } = useSession();
  const invites = useLoad(
    async () => (await api(listInvites, { params: { orgId }, query: { limit: 100 } })).data.items,
    orgId,
  );
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<OrgRole>('member');
  const [issued, setIssued] = useState<string>();
  const [error, setError] = useState<string>();

  const invite = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const { data } = await api(createInvite, { params: { orgId }, body: { email, role } });
      setIssued(data.acceptUrl);
      setError(undefined);
      setEmail('');
      invites.reload();
      onChange();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const revoke = async (inviteId: string) => {
    await api(revokeInvite, { params: { orgId, inviteId } });
    invites.reload();
    onChange();
  };

  return (
    <>
      <h3>Invitations</h3>
      <form onSubmit={invite} aria-label="Invite">
        <label>
          Invitee email{' '}
          <input
            name="inviteEmail"
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            required
          />
        </label>
        <label>
          Invitee role{' '}
          <select name="inviteRole" value={role} onChange={(e) => setRole(e.target.value as OrgRole)}>
            {orgRoles.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <button type="submit">Send invitation</button>
        {error && <p role="alert">{error}</p>}
      </form>
      {issued && (
        <p>
          Invitation link (shown once): <output data-testid="accept-url">{issued}</output>
        </p>
      )}
      <ul aria-label="Pending invitations">
        {invites.data
          ?.filter((i) => i.status === 'pending')
          .map((i) => (
            <li key={i.id}>
              {i.email} as {i.role}{' '}
              <button type="button" onClick={() => revoke(i.id)}>
                Revoke {i.email}
              </button>
            </li>
          ))}
      </ul>
    </>
  );
}

function Audit({ orgId, version }: { orgId: string; version: number }) {
  const { api } = useSession();
  const entries = useLoad(
    async () => (await api(listAudit, { params: { orgId }, query: { limit: 20 } })).data.items,
    `${orgId}:${version}`,
  );
  return (
    <>
      <h3>Audit log</h3>
      <ol aria-label="Audit log">
        {entries.data?.map((e) => (
          <li key={e.id}>
            {new Date(e.at).toLocaleString()} {e.actor.email} {e.action} {e.target.type}
          </li>
        ))}
      </ol>
    </>
  );
}
