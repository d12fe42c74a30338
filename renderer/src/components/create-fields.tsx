import { parseByteSize } from '../../../protocol/byte-size';
import { formatBytes } from '../../../protocol/format';
import type { CreateField, CreateForm, FieldErrors } from './create-form';
import { TextField } from './text-field';

interface FieldsProps {
  form: CreateForm;
  errors: FieldErrors;
  onChange: (field: CreateField, value: string) => void;
}

/** The fields of the chosen kind: a plain segment, a lab pool, or a lab srbchannel. */
export function CreateFields({ form, errors, onChange }: FieldsProps) {
  const field = (name: CreateField, label: string, hint?: string) => (
    <TextField
      field={name}
      label={label}
      value={form[name]}
      error={errors[name]}
      onChange={(value) => onChange(name, value)}
      {...(hint !== undefined ? { hint } : {})}
    />
  );
  switch (form.kind) {
    case 'segment': {
      const bytes = parseByteSize(form.size);
      return (
        <>
          {field(
            'size',
            'Data size',
            bytes === null ? 'e.g. 65536, 64KiB, 64MiB' : `= ${formatBytes(bytes)} + 40-byte marker`,
          )}
          {field('mode', 'Mode (octal)', '0600 to 0777')}
          {field(
            'holdSeconds',
            'Keep the owner alive (seconds)',
            'empty: this app holds it (its live owner) until the app stops; then it is stale',
          )}
        </>
      );
    }
    case 'pool':
      return (
        <>
          {field('slots', 'Slots (64 KiB each)')}
          {field('allocated', 'Slots in use')}
          {field('freed', 'Slots freed after those')}
        </>
      );
    case 'srbchannel':
      return field('rate', 'Rate each way (bytes per second)');
  }
}
