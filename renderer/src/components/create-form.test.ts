import { describe, expect, it } from 'vitest';
import { INITIAL_CREATE_FORM, validateCreateForm, type CreateForm } from './create-form';

const form = (change: Partial<CreateForm>): CreateForm => ({ ...INITIAL_CREATE_FORM, ...change });

describe('validateCreateForm', () => {
  it('turns a segment form into a create request, sizes with units and octal modes', () => {
    expect(validateCreateForm(form({ size: '64KiB', mode: '0640', holdSeconds: '30' }))).toEqual({
      ok: true,
      submission: { channel: 'create', request: { size: 65536, mode: 0o640, memfd: false, holdSeconds: 30 } },
    });
  });

  it("reports the protocol's own messages at the field: size 0, mode 0500", () => {
    const result = validateCreateForm(form({ size: '0', mode: '0500' }));
    expect(result).toEqual({
      ok: false,
      errors: {
        size: 'size must be greater than 0',
        mode: 'mode 0500 is below 0600 (the owner must be able to read and write)',
      },
    });
  });

  it('says how to write a size or a mode it cannot read', () => {
    const result = validateCreateForm(form({ size: 'lots', mode: '9' }));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors.size).toMatch(/64MiB/);
      expect(result.errors.mode).toMatch(/octal/);
    }
  });

  it('validates a lab pool: allocated + freed must fit the slots', () => {
    expect(validateCreateForm(form({ kind: 'pool', slots: '4', allocated: '3', freed: '2' }))).toEqual({
      ok: false,
      errors: { allocated: "allocated + freed slots exceed the pool's 4 slots" },
    });
    expect(validateCreateForm(form({ kind: 'pool', memfd: true }))).toEqual({
      ok: true,
      submission: { channel: 'lab-pool', request: { slots: 16, allocated: 4, freed: 2, memfd: true } },
    });
  });

  it('validates an srbchannel rate', () => {
    const result = validateCreateForm(form({ kind: 'srbchannel', rate: '2000000' }));
    expect(result.ok === false && result.errors.rate).toMatch(/at most 1,000,000/);
    expect(validateCreateForm(form({ kind: 'srbchannel', rate: 'x' }))).toEqual({
      ok: false,
      errors: { rate: 'write a whole number' },
    });
  });
});
