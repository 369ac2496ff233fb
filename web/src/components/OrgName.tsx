import { getOrg } from '../../../functions/api/routes/tenancy';
import { useRoute } from '../app/queries';

/** An organization's display name, from the cache every org page fills. */
export function OrgName({ orgId }: { orgId: string }) {
  const org = useRoute(getOrg, { params: { orgId } });
  const data = org.data?.data;
  return <>{data ? (data.displayName ?? data.name) : 'Organization'}</>;
}
