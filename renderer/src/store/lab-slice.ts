import type { LabItem } from '../../../protocol/channels';

export interface LabSlice {
  /** What the lab made and still owns, from the last patch header. */
  items: readonly LabItem[];
}

export const initialLab: LabSlice = { items: [] };
