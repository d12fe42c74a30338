/**
 * The create dialog's form: text fields in, a request for one channel out, or an error
 * per field. The rules are the protocol's schemas, so the form, the CLI and the hosts
 * judge a request alike; this file only turns text into numbers first.
 */
import type { z } from 'zod';
import type { RequestOf } from '../../../protocol/channels';
import { parseByteSize, parseMode, parseWholeNumber } from '../../../protocol/byte-size';
import { createRequest, labPoolRequest, labSrbchannelRequest } from '../../../protocol/requests';

export type CreateKind = 'segment' | 'pool' | 'srbchannel';

export interface CreateForm {
  kind: CreateKind;
  memfd: boolean;
  size: string;
  mode: string;
  holdSeconds: string;
  slots: string;
  allocated: string;
  freed: string;
  rate: string;
}

export type CreateField = 'size' | 'mode' | 'holdSeconds' | 'slots' | 'allocated' | 'freed' | 'rate';

export const INITIAL_CREATE_FORM: CreateForm = {
  kind: 'segment',
  memfd: false,
  size: '64MiB',
  mode: '0700',
  holdSeconds: '',
  slots: '16',
  allocated: '4',
  freed: '2',
  rate: '48000',
};

export type CreateSubmission =
  | { channel: 'create'; request: RequestOf<'create'> }
  | { channel: 'lab-pool'; request: RequestOf<'lab-pool'> }
  | { channel: 'lab-srbchannel'; request: RequestOf<'lab-srbchannel'> };

export type FieldErrors = Partial<Record<CreateField, string>>;

export type CreateValidation = { ok: true; submission: CreateSubmission } | { ok: false; errors: FieldErrors };

/** A field's text as a whole number, or an error message for it. */
function wholeNumber(text: string): number | string {
  return parseWholeNumber(text.trim()) ?? 'write a whole number';
}

/** The schema's issues, the first one per field. */
function issuesByField(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = issue.path[0] as CreateField | undefined;
    if (field !== undefined && errors[field] === undefined) errors[field] = issue.message;
  }
  return errors;
}

function finish<C extends CreateSubmission['channel']>(
  channel: C,
  schema: z.ZodType<RequestOf<C>>,
  values: Record<string, unknown>,
  textErrors: FieldErrors,
): CreateValidation {
  const parsed = schema.safeParse(values);
  // Fields that did not parse as numbers keep their own message; the schema speaks for the rest.
  const errors = { ...(parsed.success ? {} : issuesByField(parsed.error)), ...textErrors };
  if (Object.keys(errors).length > 0 || !parsed.success) return { ok: false, errors };
  return { ok: true, submission: { channel, request: parsed.data } as CreateSubmission };
}

/** Validates the form for its kind; only the fields of that kind are read. */
export function validateCreateForm(form: CreateForm): CreateValidation {
  const textErrors: FieldErrors = {};
  const number = (field: CreateField, value: number | string | null, message: string): number => {
    if (typeof value === 'number') return value;
    textErrors[field] = value ?? message;
    return Number.NaN;
  };
  switch (form.kind) {
    case 'segment': {
      const values: Record<string, unknown> = {
        size: number('size', parseByteSize(form.size), 'write a size such as 65536, 64KiB or 64MiB'),
        mode: number('mode', parseMode(form.mode), 'write the mode in octal, such as 0700'),
        memfd: form.memfd,
      };
      if (form.holdSeconds.trim() !== '') values.holdSeconds = number('holdSeconds', wholeNumber(form.holdSeconds), '');
      return finish('create', createRequest, values, textErrors);
    }
    case 'pool':
      return finish(
        'lab-pool',
        labPoolRequest,
        {
          slots: number('slots', wholeNumber(form.slots), ''),
          allocated: number('allocated', wholeNumber(form.allocated), ''),
          freed: number('freed', wholeNumber(form.freed), ''),
          memfd: form.memfd,
        },
        textErrors,
      );
    case 'srbchannel':
      return finish(
        'lab-srbchannel',
        labSrbchannelRequest,
        { rate: number('rate', wholeNumber(form.rate), ''), memfd: form.memfd },
        textErrors,
      );
  }
}
