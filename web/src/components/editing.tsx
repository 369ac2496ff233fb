/**
 * What editors of one org resource share: loading it with the caller's role, the copy the forms
 * send If-Match against, saving over it, the refusal of a stale save, and a size counter for long text.
 */
import { Alert, Button, Stack, Text } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { IconAlertTriangle, IconRefresh, IconTrash } from '@tabler/icons-react';
import type { UseQueryResult } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { useNavigate } from 'react-router';
import type { OrgRole } from '../../../functions/api/permissions';
import { getMyMembership } from '../../../functions/api/routes/tenancy';
import { ApiError, type Result } from '../app/api';
import { useRoute } from '../app/queries';
import { confirmDestructive } from './confirm';
import { announceDone, Empty, Loaded, ProblemAlert } from './feedback';
import { FormActions, SectionCard } from './forms';

export const isStale = (error: unknown) => error instanceof ApiError && error.problem.status === 412;

const bytesOf = (text: string) => new TextEncoder().encode(text).byteLength;
const number = new Intl.NumberFormat();

/**
 * Characters and UTF-8 bytes against the API's limit (which counts bytes: "é" is two); a field's
 * `description`, so screen readers read it with the field.
 */
export function SizeCounter({ text, maxBytes }: { text: string; maxBytes: number }) {
  const bytes = bytesOf(text);
  const over = bytes > maxBytes;
  return (
    <Text component="span" size="xs" c={over ? 'red' : undefined} fw={over ? 600 : undefined}>
      {number.format(text.length)} characters · {number.format(bytes)} of {number.format(maxBytes)} bytes
      {over && ' (too long)'}
    </Text>
  );
}

/** A save refused because someone changed the thing since it was read (412): nothing was saved. */
export function StaleAlert({
  what,
  subject = `this ${what}`,
  onReload,
}: {
  /** What the reload button reloads. */
  what: string;
  /** How the title names it, when not "this <what>" ("these settings"). */
  subject?: string;
  onReload(): void;
}) {
  return (
    <Alert
      variant="light"
      icon={<IconAlertTriangle size={18} />}
      title={`Someone changed ${subject} meanwhile`}
      role="alert"
    >
      <Stack gap="xs">
        <Text size="sm">
          Nothing was saved. Reload to see their changes (your edits here are replaced), then make yours
          again.
        </Text>
        <Button variant="filled" w="fit-content" leftSection={<IconRefresh size={16} />} onClick={onReload}>
          Reload {what}
        </Button>
      </Stack>
    </Alert>
  );
}

/**
 * One resource of the org with the caller's role, or a plain "no such …" with the way back when the
 * API answers 404 (deleted, or a wrong link).
 */
export function OrgResource<T>({
  orgId,
  query,
  missing,
  children,
}: {
  orgId: string;
  query: UseQueryResult<Result<T>>;
  /** `description` says why it may be gone when a 404 can mean more than deletion. */
  missing: { icon: ReactNode; title: string; description?: string; back: string; to: string };
  children: (loaded: Result<T>, role: OrgRole) => ReactNode;
}) {
  const me = useRoute(getMyMembership, { params: { orgId } });
  const navigate = useNavigate();
  if (query.error instanceof ApiError && query.error.problem.status === 404) {
    return (
      <Empty
        icon={missing.icon}
        title={missing.title}
        description={missing.description ?? 'It was deleted, or the link is wrong.'}
        action={<Button onClick={() => navigate(missing.to)}>{missing.back}</Button>}
      />
    );
  }
  return (
    <Loaded
      query={{
        ...query,
        data: me.data && query.data,
        isPending: query.isPending || me.isPending,
        error: query.error ?? me.error,
      }}
    >
      {(loaded) => children(loaded, me.data!.data.role)}
    </Loaded>
  );
}

/**
 * What a page's forms change and send If-Match against: the resource as the page last read or
 * saved it. `reload` reads it again and bumps `generation`, a key that remounts the forms with it.
 */
export function useEditBase<T>(initial: Result<T>, refetch: () => Promise<{ data?: Result<T> }>) {
  const [base, setBase] = useState(initial);
  const [generation, setGeneration] = useState(0);
  const reload = async () => {
    const fresh = await refetch();
    if (fresh.data) setBase(fresh.data);
    setGeneration((g) => g + 1);
  };
  return { base, adopt: setBase, reload: () => void reload(), generation };
}

/**
 * Saving one form of an editor: the page adopts what the API answers and the form starts again
 * from the saved values (a write-only key leaves it); a 412 sets `stale` instead of failing the
 * form, since nothing was saved and only a reload helps.
 */
export function useSaveOverBase<T, Values extends Record<string, unknown>>(
  form: UseFormReturnType<Values>,
  adopt: (result: Result<T>) => void,
  valuesOf: (saved: T) => Values,
) {
  const [stale, setStale] = useState(false);
  /** `done` is the success message, or says it from what was saved. */
  const save = async (send: () => Promise<Result<T>>, done: string | ((saved: T) => string)) => {
    setStale(false);
    try {
      const result = await send();
      adopt(result);
      const fresh = valuesOf(result.data);
      form.setInitialValues(fresh);
      form.setValues(fresh);
      form.resetDirty(fresh);
      announceDone(typeof done === 'string' ? done : done(result.data));
    } catch (error) {
      if (isStale(error)) {
        setStale(true);
        return;
      }
      throw error;
    }
  };
  return { stale, setStale, save };
}

/** The end of an editor's form: the stale refusal with its reload, the API's detail, and Save. */
export function SaveBar({
  what,
  stale,
  onReload,
  problem,
  submit,
  pending,
}: {
  /** What is edited, as in "Someone changed this agent meanwhile". */
  what: string;
  stale: boolean;
  onReload(): void;
  problem: unknown;
  submit: string;
  pending: boolean;
}) {
  return (
    <>
      {stale && <StaleAlert what={what} onReload={onReload} />}
      <ProblemAlert error={problem} />
      <FormActions submit={submit} pending={pending} />
    </>
  );
}

/**
 * A card for an action that cannot be undone (deleting, leaving): what it does, and the button
 * (`label`, also the confirmation's title and its button) that asks with `message` before
 * `onConfirm`. `children` (the refusal, if any) follow the button.
 */
export function DangerCard({
  title = 'Delete',
  explanation,
  label,
  icon = <IconTrash size={16} />,
  message,
  pending,
  onConfirm,
  children,
}: {
  title?: string;
  explanation: string;
  label: string;
  icon?: ReactNode;
  message: string;
  pending: boolean;
  onConfirm(): void;
  children?: ReactNode;
}) {
  return (
    <SectionCard title={title} description={explanation}>
      <Button
        color="red"
        variant="light"
        w="fit-content"
        leftSection={icon}
        loading={pending}
        onClick={() => confirmDestructive({ title: label, message, confirmLabel: label, onConfirm })}
      >
        {label}
      </Button>
      {children}
    </SectionCard>
  );
}
