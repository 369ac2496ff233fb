/**
 * Forms validated in the browser with the same zod schemas the API validates with, and the API's
 * own field messages put beside the fields they name when it refuses anyway.
 */
import { type UseFormInput, useForm } from '@mantine/form';
import { zod4Resolver } from 'mantine-form-zod-resolver';
import { useState } from 'react';
import type * as z from 'zod/mini';
import { ApiError, fieldErrors, problemText } from './api';

export function useApiForm<Values extends Record<string, unknown>>(
  schema: z.ZodMiniType,
  input: Omit<UseFormInput<Values>, 'validate'>,
) {
  const form = useForm<Values>({ mode: 'controlled', ...input, validate: zod4Resolver(schema) });
  const [problem, setProblem] = useState<string>();
  /** Runs `submit`; a refusal lands on the fields it names, and its detail above the form. */
  const run = (submit: (values: Values) => Promise<unknown>) =>
    form.onSubmit(async (values) => {
      setProblem(undefined);
      try {
        await submit(values);
      } catch (error) {
        const byField = fieldErrors(error);
        const named = Object.keys(byField).filter(
          (field) => field in form.getValues() || field.includes('.'),
        );
        form.setErrors(byField);
        // The detail repeats the field messages; show it only when no field carries them.
        if (!(error instanceof ApiError) || named.length === 0) setProblem(problemText(error));
      }
    });
  return { form, problem, run, clearProblem: () => setProblem(undefined) };
}
