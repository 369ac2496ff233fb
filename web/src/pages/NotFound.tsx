import { Button } from '@mantine/core';
import { IconMapOff } from '@tabler/icons-react';
import { Link } from 'react-router';
import { Empty } from '../components/feedback';

export function NotFound() {
  return (
    <Empty
      icon={<IconMapOff size={28} />}
      title="Page not found"
      description="This address leads nowhere in the console. It may have moved, or the link was mistyped."
      action={
        <Button component={Link} to="/" mt="md">
          Back to your organizations
        </Button>
      }
    />
  );
}
