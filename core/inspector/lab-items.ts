/**
 * The lab objects a host asked for, each stoppable on its own: one Lab per object, since
 * a Lab stops everything it made at once.
 */
import type { LabItem } from '../../protocol/channels';
import type { LabPoolRequest, LabSrbchannelRequest } from '../../protocol/requests';
import type { AuditLog } from '../audit/audit-log';
import { stopLabAudited, unrecordedDeletion } from '../audit/audited-deletion';
import type { Interface } from '../audit/deletion-entry';
import { Lab, type LabObject } from '../lab/lab';
import { RequestRefused } from './error-value';

/**
 * What a host runs at once for its clients: each srbchannel has two native threads moving
 * bytes, and 50 of them (107 threads) once took the machine's load to 600.
 */
export const LAB_LIMITS = {
  /** Objects of any kind (pools hold memory, up to 1 GiB each). */
  objects: 16,
  srbchannels: 4,
  /** Bytes per second each way, all running srbchannels together: one lab's own maximum. */
  totalRate: 1_000_000,
} as const;

export class LabItems {
  private readonly items = new Map<string, { lab: Lab; item: LabItem; via: Interface; rate: number }>();
  private made = 0;

  /**
   * The files objects remove when they stop are recorded in `auditLog`, with the interface
   * that asked for the object. Without a log, objects that would make a file are refused.
   */
  constructor(
    private readonly dir: string,
    private readonly auditLog: AuditLog | null,
    private readonly now: () => number = Date.now,
  ) {}

  list(): LabItem[] {
    return [...this.items.values()].map((entry) => entry.item);
  }

  createPool(request: LabPoolRequest, via: Interface): LabItem {
    return this.add((lab) => lab.createPool(request), !request.memfd, via);
  }

  createSrbchannel(request: LabSrbchannelRequest, via: Interface): LabItem {
    const running = [...this.items.values()].filter((entry) => entry.item.kind === 'srbchannel');
    if (running.length >= LAB_LIMITS.srbchannels) {
      throw new RequestRefused(
        'limit',
        `at most ${LAB_LIMITS.srbchannels} srbchannel labs run at once: stop one first`,
      );
    }
    const rate = running.reduce((sum, entry) => sum + entry.rate, 0);
    if (rate + request.rate > LAB_LIMITS.totalRate) {
      throw new RequestRefused(
        'limit',
        `the srbchannel labs together move at most ${LAB_LIMITS.totalRate} bytes per second each way ` +
          `(${rate} running): stop one or ask for less`,
      );
    }
    return this.add((lab) => lab.createSrbchannel(request), !request.memfd, via, request.rate);
  }

  createStale(via: Interface): LabItem {
    return this.add((lab) => lab.createStale(), true, via);
  }

  /** Stops one object; with `keep` its POSIX file stays (stale once this process exits). False if there is no such item. */
  stop(id: string, keep: boolean): boolean {
    const entry = this.items.get(id);
    if (!entry) return false;
    this.items.delete(id);
    stopLabAudited(entry.lab, { keep }, this.auditLog, entry.via, this.now);
    return true;
  }

  /** Stops every object, removing the files they made; one that fails to stop does not keep the others. */
  stopAll(): void {
    for (const id of [...this.items.keys()]) {
      try {
        this.stop(id, false);
      } catch {
        // Its file stays behind, stale, and the next scan shows it: nothing else can be done here.
      }
    }
  }

  private add(make: (lab: Lab) => LabObject, makesFile: boolean, via: Interface, rate = 0): LabItem {
    if (this.items.size >= LAB_LIMITS.objects) {
      throw new RequestRefused('limit', `at most ${LAB_LIMITS.objects} lab objects exist at once: stop one first`);
    }
    // A POSIX object's file is removed when it stops: without a log it is not made at all.
    if (this.auditLog === null && makesFile) throw unrecordedDeletion(`a lab object in ${this.dir}`);
    const lab = new Lab(this.dir);
    const object = make(lab);
    this.made += 1;
    const item: LabItem = {
      id: `lab-${this.made}`,
      kind: object.kind,
      storage: object.storage,
      name: object.name,
      inode: object.inode,
      slots: object.slots,
    };
    this.items.set(item.id, { lab, item, via, rate });
    return item;
  }
}
