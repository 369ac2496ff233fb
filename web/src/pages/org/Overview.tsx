import { Badge, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useParams } from 'react-router';
import { getMyMembership, getOrg } from '../../../../functions/api/routes/tenancy';
import { useRoute } from '../../app/queries';
import { useFormat } from '../../app/time';
import { Loaded } from '../../components/feedback';

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <Card withBorder>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700}>
        {value}
      </Text>
    </Card>
  );
}

export function Overview() {
  const { orgId } = useParams() as { orgId: string };
  const format = useFormat();
  const org = useRoute(getOrg, { params: { orgId } });
  const me = useRoute(getMyMembership, { params: { orgId } });
  return (
    <Loaded query={{ ...org, data: org.data?.data }}>
      {(o) => (
        <Stack maw={960}>
          <Group justify="space-between" wrap="wrap">
            <Title order={1} size="h2">
              {o.displayName ?? o.name}
            </Title>
            {me.data && <Badge size="lg">Your role: {me.data.data.role}</Badge>}
          </Group>
          {o.description && <Text c="dimmed">{o.description}</Text>}
          <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
            <Stat label="Members" value={`${o.memberCount} of ${o.limits.maxUsers}`} />
            <Stat label="Plan" value={o.plan} />
            <Stat label="Domain" value={o.domain ?? 'None'} />
            <Stat label="Created" value={format.date(o.createdAt)} />
          </SimpleGrid>
        </Stack>
      )}
    </Loaded>
  );
}
