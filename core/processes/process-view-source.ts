/**
 * The Inspector service's process view: rebuilt from its items when they change, with
 * command lines and user names read for the PIDs in the view and PulseAudio's client
 * names, and handed out only when it differs from the last one sent.
 */
import type { InspectorItem } from '../../protocol/channels';
import type { ProcessView } from '../../protocol/processes';
import type { ProcessIndex } from '../process-index';
import { CmdlineCache, UserNames } from './process-details';
import { buildProcessSummaries } from './process-summaries';
import { PulseClientNames, type PactlRunner } from './pulse-clients';

export interface ProcessViewOptions {
  /** Replaces pactl (unit tests). */
  pactl?: PactlRunner;
  /** How often PulseAudio is asked for names again while its pools are held (default 60 s: PULSE_NAMES_MS). */
  pulseNamesMs?: number;
}

export const EMPTY_PROCESS_VIEW: ProcessView = { processes: [], pulseNames: null };

export class ProcessViewSource {
  private view: ProcessView = EMPTY_PROCESS_VIEW;
  private print = JSON.stringify(EMPTY_PROCESS_VIEW);
  private readonly cmdlines = new CmdlineCache();
  private readonly users = new UserNames();
  private readonly pulse: PulseClientNames;

  /** `namesChanged` is called when PulseAudio's names change: the view must be rebuilt. */
  constructor(namesChanged: () => void, options: ProcessViewOptions = {}) {
    this.pulse = new PulseClientNames(namesChanged, {
      ...(options.pactl ? { run: options.pactl } : {}),
      ...(options.pulseNamesMs ? { intervalMs: options.pulseNamesMs } : {}),
    });
  }

  get current(): ProcessView {
    return this.view;
  }

  /** Rebuilds the view; returns it when it differs from the last one, else null. */
  update(items: Iterable<InspectorItem>, index: ProcessIndex): ProcessView | null {
    const processes = buildProcessSummaries(
      items,
      (pid) => {
        const known = index.byPid.get(pid);
        const uid = known?.uid ?? null;
        return {
          uid,
          cmdline: this.cmdlines.cmdline(pid, known?.startTime ?? null),
          user: uid === null ? null : this.users.name(uid),
        };
      },
      this.pulse.clients,
    );
    this.cmdlines.keepOnly(new Set(processes.map((process) => process.pid)));
    this.pulse.watch(new Set(processes.filter((process) => process.pulse).map((process) => process.pid)));
    const next: ProcessView = { processes, pulseNames: this.pulse.status };
    const print = JSON.stringify(next);
    if (print === this.print) return null;
    this.view = next;
    this.print = print;
    return next;
  }

  close(): void {
    this.pulse.close();
  }
}
