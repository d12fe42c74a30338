import { useId, useState, type FormEvent } from 'react';
import type { ErrorValue } from '../../../protocol/channels';
import { useHost } from '../host/host-context';
import { CreateFields } from './create-fields';
import {
  INITIAL_CREATE_FORM,
  validateCreateForm,
  type CreateField,
  type CreateForm,
  type CreateKind,
  type CreateSubmission,
  type FieldErrors,
} from './create-form';
import { describeProblem } from './describe-problem';
import { Dialog } from './dialog';

const KINDS: readonly { kind: CreateKind; label: string }[] = [
  { kind: 'segment', label: 'Segment (as PulseAudio makes one)' },
  { kind: 'pool', label: 'Pool with in-use and freed slots (lab)' },
  { kind: 'srbchannel', label: 'Read-write pool with an srbchannel and traffic (lab)' },
];

/** Sends the validated request to its channel; the answer's words for the user. */
async function submit(host: ReturnType<typeof useHost>, submission: CreateSubmission): Promise<string | ErrorValue> {
  switch (submission.channel) {
    case 'create': {
      const result = await host.request('create', submission.request);
      return result.ok ? `Created ${result.value.name}.` : result.error;
    }
    case 'lab-pool': {
      const result = await host.request('lab-pool', submission.request);
      return result.ok ? `The lab made ${result.value.name} with ${result.value.slots} slots.` : result.error;
    }
    case 'lab-srbchannel': {
      const result = await host.request('lab-srbchannel', submission.request);
      return result.ok ? `The lab made ${result.value.name}; traffic is flowing.` : result.error;
    }
  }
}

/** Makes a segment, a lab pool or a lab srbchannel; nothing reaches the host until the form is valid. */
export function CreateDialog({ onClose }: { onClose: () => void }) {
  const host = useHost();
  const id = useId();
  const [form, setForm] = useState<CreateForm>(INITIAL_CREATE_FORM);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<string | ErrorValue | null>(null);

  const change = (field: CreateField, value: string) => {
    setForm((current) => ({ ...current, [field]: value }));
    // The field's error goes once the user edits it; it comes back, if still due, on submit.
    setErrors((current) => {
      const rest = { ...current };
      delete rest[field];
      return rest;
    });
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const validation = validateCreateForm(form);
    if (!validation.ok) {
      setErrors(validation.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    setOutcome(await submit(host, validation.submission));
    setBusy(false);
  };

  if (typeof outcome === 'string') {
    return (
      <Dialog title="Create" testId="create-dialog" onClose={onClose}>
        <p role="status" data-testid="create-result">
          {outcome} It appears in the table with the next scan.
        </p>
        <div className="dialog__buttons">
          <button type="button" onClick={onClose}>
            Close
          </button>
        </div>
      </Dialog>
    );
  }

  const problem = outcome ? describeProblem(outcome, null) : null;
  return (
    <Dialog title="Create" testId="create-dialog" onClose={onClose}>
      <form className="create-form" noValidate onSubmit={(event) => void onSubmit(event)}>
        <fieldset>
          <legend>What</legend>
          {KINDS.map(({ kind, label }) => (
            <label key={kind} className="choice">
              <input
                type="radio"
                name={`${id}-kind`}
                value={kind}
                checked={form.kind === kind}
                onChange={() => {
                  setForm((current) => ({ ...current, kind }));
                  setErrors({});
                }}
              />
              {label}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>Storage</legend>
          <label className="choice">
            <input
              type="radio"
              name={`${id}-storage`}
              checked={!form.memfd}
              onChange={() => setForm((current) => ({ ...current, memfd: false }))}
            />
            POSIX (a file in the shm directory)
          </label>
          <label className="choice">
            <input
              type="radio"
              name={`${id}-storage`}
              checked={form.memfd}
              onChange={() => setForm((current) => ({ ...current, memfd: true }))}
            />
            memfd (no name; lives while held)
          </label>
        </fieldset>
        <CreateFields form={form} errors={errors} onChange={change} />
        {problem && (
          <p className="form-error" role="alert" data-testid="create-error">
            {problem.title}. {problem.action}
          </p>
        )}
        <div className="dialog__buttons">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" disabled={busy} data-testid="create-submit">
            {busy ? 'Creating…' : 'Create'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
