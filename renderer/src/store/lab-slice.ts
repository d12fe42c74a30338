import type { HeldItem, LabItem } from '../../../protocol/channels';

export interface LabSlice {
  /** What the lab made and still owns, from the last patch header. */
  items: readonly LabItem[];
  /** What Create's keep-alive holds, from the last patch header. */
  held: readonly HeldItem[];
}

export const initialLab: LabSlice = { items: [], held: [] };
