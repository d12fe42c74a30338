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

export const createRequest = z
  .object({
    size: z.number().superRefine(refineWith(dataSizeProblem)),
    mode: z.number().superRefine(refineWith(modeProblem)),
    memfd: z.boolean(),
    /** Keep the creating process alive (the owner live) this many seconds. */
    holdSeconds: z.number().int().min(0).max(86_400).optional(),
    /** Write this PID into the marker instead of the creator's (for experiments). */
    markerPid: z.number().int().min(1).max(MAX_PID).optional(),
  })
  .strict()
  .superRefine((request, ctx) => {
    if (request.memfd && request.markerPid !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['markerPid'], message: 'memfd pools carry no marker' });
    }
  });
export type CreateRequest = z.infer<typeof createRequest>;

export const cleanRequest = z
  .object({
    includeZombie: z.boolean(),
    includeReused: z.boolean(),
    force: z.array(entryName).max(10_000),
    dryRun: z.boolean(),
  })
  .strict();
export type CleanRequest = z.infer<typeof cleanRequest>;

/** One line per problem, naming the field: what a user needs to fix the request. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('\n');
}
