/**
 * A selector that recomputes only when its inputs change (compared with Object.is), so a
 * derived list keeps its identity between renders: zustand's `useStore` needs a stable
 * snapshot, and React skips work when it gets one.
 */
export function derive<S, const A extends readonly unknown[], R>(
  inputs: (state: S) => A,
  compute: (...args: A) => R,
): (state: S) => R {
  let last: { args: A; result: R } | null = null;
  return (state) => {
    const args = inputs(state);
    const previous = last;
    if (previous && args.length === previous.args.length && args.every((arg, i) => Object.is(arg, previous.args[i]))) {
      return previous.result;
    }
    const result = compute(...args);
    last = { args, result };
    return result;
  };
}
