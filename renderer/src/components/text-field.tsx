import { useId, type ReactNode } from 'react';

/** A labelled text input with its error, if any, right below it and tied to it for screen readers. */
export function TextField({
  field,
  label,
  value,
  error,
  hint,
  onChange,
}: {
  field: string;
  label: string;
  value: string;
  error: string | undefined;
  hint?: ReactNode;
  onChange: (value: string) => void;
}) {
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={field}
        type="text"
        value={value}
        aria-invalid={error !== undefined}
        aria-describedby={error !== undefined ? errorId : undefined}
        onChange={(event) => onChange(event.target.value)}
      />
      {hint !== undefined && <span className="field__hint">{hint}</span>}
      {error !== undefined && (
        <span id={errorId} className="field__error" data-testid={`field-error-${field}`}>
          {error}
        </span>
      )}
    </div>
  );
}
