/** How findings name processes: the same words in every message. */

export interface NamedProcess {
  pid: number;
  comm: string;
}

/** "PID 123 (paplay)". */
export function processLabel(process: NamedProcess): string {
  return `PID ${process.pid} (${process.comm})`;
}

/** "PID 1 (a)", "PID 1 (a) and PID 2 (b)", "PID 1 (a), PID 2 (b) and PID 3 (c)". */
export function processList(processes: readonly NamedProcess[]): string {
  const labels = processes.map(processLabel);
  if (labels.length <= 1) return labels.join('');
  return `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}`;
}
