/** Destructive actions are confirmed; the ones that cannot be undone ask the person to type a name. */
import { List, Text, TextInput } from '@mantine/core';
import { modals } from '@mantine/modals';
import { useState } from 'react';

export function confirmDestructive(options: {
  title: string;
  message: string;
  /** What else the action ends, named one per line under the message. */
  consequences?: { intro: string; items: string[] };
  confirmLabel: string;
  onConfirm(): void;
}) {
  const { consequences } = options;
  modals.openConfirmModal({
    title: options.title,
    children: (
      <>
        <Text size="sm">{options.message}</Text>
        {consequences && consequences.items.length > 0 && (
          <>
            <Text size="sm" mt="sm">
              {consequences.intro}
            </Text>
            <List size="sm" mt={4}>
              {consequences.items.map((item) => (
                <List.Item key={item}>{item}</List.Item>
              ))}
            </List>
          </>
        )}
      </>
    ),
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
