/** Destructive actions are confirmed; the ones that cannot be undone ask the person to type a name. */
import { Text, TextInput } from '@mantine/core';
import { modals } from '@mantine/modals';
import { useState } from 'react';

export function confirmDestructive(options: {
  title: string;
  message: string;
  confirmLabel: string;
  onConfirm(): void;
}) {
  modals.openConfirmModal({
    title: options.title,
    children: <Text size="sm">{options.message}</Text>,
    labels: { confirm: options.confirmLabel, cancel: 'Cancel' },
    closeButtonProps: { 'aria-label': 'Close' },
    confirmProps: { color: 'red' },
    onConfirm: options.onConfirm,
  });
}

function TypedConfirmation({ expected, onChange }: { expected: string; onChange(ok: boolean): void }) {
  const [value, setValue] = useState('');
  return (
    <TextInput
      label={`Type ${expected} to confirm`}
      value={value}
      data-autofocus
      onChange={(e) => {
        setValue(e.currentTarget.value);
        onChange(e.currentTarget.value === expected);
      }}
    />
  );
}

export function confirmByTyping(options: {
  title: string;
  message: string;
  expected: string;
  confirmLabel: string;
  onConfirm(): void;
}) {
  let ok = false;
  const id = modals.openConfirmModal({
    title: options.title,
    children: (
      <>
        <Text size="sm" mb="sm">
          {options.message}
        </Text>
        <TypedConfirmation
          expected={options.expected}
          onChange={(matches) => {
            ok = matches;
            modals.updateModal({ modalId: id, confirmProps: { color: 'red', disabled: !matches } });
          }}
        />
      </>
    ),
    labels: { confirm: options.confirmLabel, cancel: 'Cancel' },
    closeButtonProps: { 'aria-label': 'Close' },
    confirmProps: { color: 'red', disabled: true },
    onConfirm: () => ok && options.onConfirm(),
  });
}
