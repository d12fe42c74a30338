/**
 * The lab objects a host asked for, each stoppable on its own: one Lab per object, since
 * a Lab stops everything it made at once.
 */
import type { LabItem } from '../../protocol/channels';
import type { LabPoolRequest, LabSrbchannelRequest } from '../../protocol/requests';
import type { Interface } from '../audit/deletion-entry';
import { Lab, type LabObject, type LabRemoval } from '../lab/lab';

/** Told of each file removed when an object stops, with the interface that asked for the object. */
export type LabRemovalListener = (removal: LabRemoval, via: Interface) => void;

export class LabItems {
  private readonly items = new Map<string, { lab: Lab; item: LabItem; via: Interface }>();
  private made = 0;

  constructor(
    private readonly dir: string,
    private readonly onRemoved: LabRemovalListener = () => {},
  ) {}

  list(): LabItem[] {
    return [...this.items.values()].map((entry) => entry.item);
  }

  createPool(request: LabPoolRequest, via: Interface): LabItem {
    return this.add((lab) => lab.createPool(request), via);
  }

  createSrbchannel(request: LabSrbchannelRequest, via: Interface): LabItem {
    return this.add((lab) => lab.createSrbchannel(request), via);
  }

  createStale(via: Interface): LabItem {
    return this.add((lab) => lab.createStale(), via);
  }

  /** Stops one object; with `keep` its POSIX file stays (stale once this process exits). False if there is no such item. */
  stop(id: string, keep: boolean): boolean {
    const entry = this.items.get(id);
    if (!entry) return false;
    this.items.delete(id);
    entry.lab.stop({ keep }, (removal) => this.onRemoved(removal, entry.via));
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

  private add(make: (lab: Lab) => LabObject, via: Interface): LabItem {
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
    this.items.set(item.id, { lab, item, via });
    return item;
  }
}
