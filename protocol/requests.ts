/**
 * Request schemas: every request is validated with these where it arrives (CLI, IPC,
 * WebSocket), so the rules read the same everywhere.
 */
import { z } from 'zod';
import { dataSizeProblem, entryNameProblem, MAX_PID, modeProblem } from './limits';

const refineWith = (problem: (value: number) => string | null) => (value: number, ctx: z.RefinementCtx) => {
  const message = problem(value);
  if (message) ctx.addIssue({ code: 'custom', message });
};

export const entryName = z.string().superRefine((name, ctx) => {
  const message = entryNameProblem(name);
  if (message) ctx.addIssue({ code: 'custom', message });
});

const HOLD_RANGE = 'a hold lasts 0 to 86,400 seconds';
const PID_RANGE = `a PID is from 1 to ${MAX_PID}`;

export const createRequest = z
  .object({
    size: z.number().superRefine(refineWith(dataSizeProblem)),
    mode: z.number().superRefine(refineWith(modeProblem)),
    memfd: z.boolean(),
    /** Keep the creating process alive (the owner live) this many seconds. */
    holdSeconds: z.number().int().min(0, HOLD_RANGE).max(86_400, HOLD_RANGE).optional(),
    /** Write this PID into the marker instead of the creator's (for experiments). */
    markerPid: z.number().int().min(1, PID_RANGE).max(MAX_PID, PID_RANGE).optional(),
  })
  .strict()
  .superRefine((request, ctx) => {
    if (request.memfd && request.markerPid !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['markerPid'], message: 'memfd pools carry no marker' });
    }
  });
export type CreateRequest = z.infer<typeof createRequest>;

/** Names of entries in the shm directory, as a request lists them (forced, or selected). */
export const entryNames = z.array(entryName).max(10_000);

export const cleanRequest = z
  .object({
    includeZombie: z.boolean(),
    includeReused: z.boolean(),
    force: entryNames,
    dryRun: z.boolean(),
  })
  .strict();
export type CleanRequest = z.infer<typeof cleanRequest>;

/**
 * One line per problem, naming the field (or what the caller calls it, e.g. a CLI's
 * `--marker-pid` for `markerPid`): what a user needs to fix the request.
 */
export function describeIssues(error: z.ZodError, fieldNames: Readonly<Record<string, string>> = {}): string {
  return error.issues
    .map((issue) => {
      if (issue.path.length === 0) return issue.message;
      const [field, ...rest] = issue.path.map(String);
      const name = (field !== undefined && Object.hasOwn(fieldNames, field) ? fieldNames[field] : field) ?? '';
      return `${[name, ...rest].join('.')}: ${issue.message}`;
    })
    .join('\n');
}

/** The largest pool: 1 GiB of 64 KiB slots. */
export const MAX_POOL_SLOTS = 16_384;

export const labPoolRequest = z
  .object({
    slots: z
      .number()
      .int()
      .min(2, 'a pool has at least 2 slots')
      .max(MAX_POOL_SLOTS, `a pool has at most ${MAX_POOL_SLOTS} slots (1 GiB)`),
    /** Slots handed out with a block header (in use), from slot 0 up. */
    allocated: z.number().int().min(0),
    /** Slots after those that were handed out and freed again (refcount 0). */
    freed: z.number().int().min(0),
    memfd: z.boolean(),
  })
  .strict()
  .superRefine((request, ctx) => {
    // Zod runs this even when a field failed: compare only what is itself valid.
    const valid = [request.slots, request.allocated, request.freed].every(Number.isInteger) && request.slots >= 2;
    if (valid && request.allocated + request.freed > request.slots) {
      ctx.addIssue({
        code: 'custom',
        path: ['allocated'],
        message: `allocated + freed slots exceed the pool's ${request.slots} slots`,
      });
    }
  });
export type LabPoolRequest = z.infer<typeof labPoolRequest>;

export const labSrbchannelRequest = z
  .object({
    /** Bytes per second each end writes into its ring. */
    rate: z
      .number()
      .int()
      .min(1, 'rate must be at least 1 byte per second')
      .max(1_000_000, 'rate must be at most 1,000,000 bytes per second (what a ring drained every 25 ms can carry)'),
    memfd: z.boolean(),
  })
  .strict();
export type LabSrbchannelRequest = z.infer<typeof labSrbchannelRequest>;
