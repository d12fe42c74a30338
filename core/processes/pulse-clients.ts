/**
 * PulseAudio's names for its clients ("Firefox", "paplay"), so that the process view can
 * say which application holds a pool: `pactl -f json list clients` (pactl 16+), run off
 * the event loop, with a timeout, at a slow cadence and only while some process holds a
 * PulseAudio segment or pool. Any failure means "no names", with a reason for the view.
 */
import { execFile, type ExecFileException } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { PulseClient, PulseNames } from '../../protocol/processes';

/** One client as pactl prints it; only the properties the view uses are read, each one optional. */
const pactlClient = z.object({
  properties: z
    .object({
      'application.name': z.string().optional(),
      'application.process.id': z.string().regex(/^\d+$/).optional(),
      'application.process.binary': z.string().optional(),
    })
    .passthrough(),
});

/**
 * Client names by PID from `pactl -f json list clients`. Throws on output that is not a
 * JSON array; a client without a valid PID (a remote one, one that sent none) is skipped.
 */
export function parsePactlClients(text: string): Map<number, PulseClient> {
  const list = z.array(z.unknown()).parse(JSON.parse(text));
  const clients = new Map<number, PulseClient>();
  for (const entry of list) {
    const parsed = pactlClient.safeParse(entry);
    if (!parsed.success) continue;
    const properties = parsed.data.properties;
    const pid = Number(properties['application.process.id']);
    if (!Number.isSafeInteger(pid) || pid <= 0) continue;
    clients.set(pid, {
      name: properties['application.name'] ?? null,
      binary: properties['application.process.binary'] ?? null,
    });
  }
  return clients;
}

/** Runs pactl and resolves with what it printed; rejects with a short reason a user can read. */
export type PactlRunner = () => Promise<string>;

export const PACTL_TIMEOUT_MS = 2_000;

/**
 * pactl's own client config: no shared memory (else each run makes a 64 MiB pool the
 * view would list, and whose new PID would ask again), and never start a daemon.
 */
const CLIENT_CONF = 'enable-shm = no\nautospawn = no\n';

function describeFailure(error: ExecFileException, stderr: string): string {
  if (error.code === 'ENOENT') return 'pactl is not installed';
  if (error.killed) return `pactl did not answer within ${PACTL_TIMEOUT_MS / 1000} s`;
  const first = stderr.trim().split('\n')[0]?.trim();
  return `no PulseAudio server answered${first ? ` (${first})` : ''}`;
}

/**
 * The real pactl. Its client config lives in a fresh private directory for the length of
 * one run (removed when pactl exits), so that a host killed outright leaves nothing behind
 * but, at worst, the directory of a run in progress.
 */
export function pactlRunner(tmp: string = os.tmpdir()): PactlRunner {
  return () =>
    new Promise((resolve, reject) => {
      const dir = mkdtempSync(path.join(tmp, 'shm-inspector-pactl-'));
      const config = path.join(dir, 'client.conf');
      try {
        writeFileSync(config, CLIENT_CONF);
      } catch (error) {
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
      execFile(
        'pactl',
        ['-f', 'json', 'list', 'clients'],
        {
          env: { ...process.env, PULSE_CLIENTCONFIG: config, LC_ALL: 'C' },
          timeout: PACTL_TIMEOUT_MS,
          maxBuffer: 4 * 1024 * 1024,
          encoding: 'utf8',
        },
        (error, stdout, stderr) => {
          rmSync(dir, { recursive: true, force: true });
          if (error) reject(new Error(describeFailure(error, stderr)));
          else resolve(stdout);
        },
      );
    });
}

/**
 * How often names are asked for again while PulseAudio pools are held. A client shows up
 * as a new holder, which asks at once; the cadence only catches a renamed client or a
 * server that answers again. Each run is a spawn that costs the host a few ms of CPU:
 * every 5 s, that was a tenth of its idle budget.
 */
export const PULSE_NAMES_MS = 60_000;

/** Keeps PulseAudio's client names fresh while it is told some process holds a PulseAudio pool. */
export class PulseClientNames {
  private names: ReadonlyMap<number, PulseClient> = new Map();
  private state: PulseNames = null;
  private asked = new Set<number>();
  private holders: ReadonlySet<number> = new Set();
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private again = false;
  private readonly runner: PactlRunner;
  private closed = false;

  /** `changed` is called when the names or their availability change; `run` replaces pactl (tests). */
  constructor(
    private readonly changed: () => void,
    options: { run?: PactlRunner; intervalMs?: number } = {},
  ) {
    this.runner = options.run ?? pactlRunner();
    this.intervalMs = options.intervalMs ?? PULSE_NAMES_MS;
  }

  private readonly intervalMs: number;

  get clients(): ReadonlyMap<number, PulseClient> {
    return this.names;
  }

  get status(): PulseNames {
    return this.state;
  }

  /** The PIDs that hold a PulseAudio segment or pool now: none stops asking; a new one asks at once. */
  watch(pids: ReadonlySet<number>): void {
    if (this.closed) return;
    this.holders = pids;
    if (pids.size === 0) {
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
      this.asked = new Set();
      this.update(new Map(), null);
      return;
    }
    if (!this.timer) {
      this.timer = setInterval(() => this.ask(), this.intervalMs);
      this.timer.unref();
    }
    if ([...pids].some((pid) => !this.asked.has(pid))) this.ask();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private ask(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.asked = new Set(this.holders);
    let run: Promise<string>;
    try {
      run = this.runner();
    } catch (error) {
      run = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    run
      .then(
        (text) => {
          let clients: Map<number, PulseClient>;
          try {
            clients = parsePactlClients(text);
          } catch {
            this.update(new Map(), {
              available: false,
              reason: 'pactl printed something other than its JSON client list',
            });
            return;
          }
          this.update(clients, { available: true });
        },
        (error: Error) => this.update(new Map(), { available: false, reason: error.message }),
      )
      .finally(() => {
        this.running = false;
        if (this.again && !this.closed) {
          this.again = false;
          this.ask();
        }
      });
  }

  private update(names: ReadonlyMap<number, PulseClient>, state: PulseNames): void {
    // An answer that comes after the last PulseAudio holder went is no longer wanted.
    if (this.closed || (state !== null && this.holders.size === 0)) return;
    const before = JSON.stringify([[...this.names], this.state]);
    this.names = names;
    this.state = state;
    if (JSON.stringify([[...names], state]) !== before) this.changed();
  }
}
