/** Stands in for uPlot in jsdom (no canvas): records what the chart was given. */
export class FakeUPlot {
  static instances: FakeUPlot[] = [];
  data: unknown[][];
  destroyed = false;

  constructor(
    readonly options: unknown,
    data: unknown[][],
    readonly target: HTMLElement,
  ) {
    this.data = data;
    FakeUPlot.instances.push(this);
  }

  setData(data: unknown[][]): void {
    this.data = data;
  }

  setSize(): void {}

  destroy(): void {
    this.destroyed = true;
  }
}
