/**
 * The renderer's store modules (renderer/src/store), loaded in Node for the benchmark:
 * they have no DOM dependency, but they are ES modules in TypeScript that only Vite
 * builds. While they load, `.ts` files under renderer/src and protocol/ are compiled to
 * CommonJS with TypeScript's transpileModule, the same source the renderer bundles,
 * untouched; nothing is written to disk.
 */
import Module from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import type { InspectorItem, Patch } from '../protocol/channels';

/** The part of the renderer's InspectorState the benchmark reads; the rest is passed through untouched. */
export interface RendererState {
  segments: { items: ReadonlyMap<string, InspectorItem>; filter: unknown; sort: unknown };
}

/** The store functions the benchmark calls, with the signatures of renderer/src/store. */
export interface RendererStore {
  initialState(): RendererState;
  applyPatch(state: RendererState, patch: Patch): RendererState;
  /** What the table, the header's counts and the reclaimable summary derive from each new state. */
  selectors: ((state: RendererState) => unknown)[];
  /**
   * The baseline: the rows, counts and reclaimable bytes of a state computed from scratch,
   * filtering and sorting every row (renderer/src/test-support/full-sort-reference.ts).
   */
  fullSort(state: RendererState): unknown;
}

interface CompilableModule {
  _compile(code: string, filename: string): void;
}

export function loadRendererStore(root: string): RendererStore {
  const allowed = [path.join(root, 'renderer', 'src') + path.sep, path.join(root, 'protocol') + path.sep];
  const extensions = Module as unknown as { _extensions: Record<string, (module: unknown, filename: string) => void> };
  const previous = extensions._extensions['.ts'];
  extensions._extensions['.ts'] = (module, filename) => {
    if (!allowed.some((dir) => filename.startsWith(dir))) throw new Error(`${filename} is not a renderer store module`);
    const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), {
      fileName: filename,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
        isolatedModules: true,
      },
    });
    (module as CompilableModule)._compile(outputText, filename);
  };
  try {
    const store = path.join(root, 'renderer', 'src', 'store');
    /* eslint-disable @typescript-eslint/no-require-imports -- loaded through the hook above, at run time */
    const applyPatchModule = require(path.join(store, 'apply-patch.ts')) as Pick<RendererStore, 'applyPatch'>;
    const storeModule = require(path.join(store, 'inspector-store.ts')) as Pick<RendererStore, 'initialState'>;
    const selectorsModule = require(path.join(store, 'selectors.ts')) as Record<
      string,
      (state: RendererState) => unknown
    >;
    const referenceModule = require(path.join(root, 'renderer', 'src', 'test-support', 'full-sort-reference.ts')) as {
      referenceView?: (items: RendererState['segments']['items'], filter: unknown, sort: unknown) => unknown;
    };
    /* eslint-enable @typescript-eslint/no-require-imports */
    const { referenceView } = referenceModule;
    if (typeof referenceView !== 'function') throw new Error('full-sort-reference.ts has no referenceView');
    const names = ['selectVisibleRows', 'selectVisibleIds', 'selectStateCounts', 'selectReclaimable'];
    const selectors = names.map((name) => {
      const selector = selectorsModule[name];
      if (typeof selector !== 'function') throw new Error(`renderer/src/store/selectors.ts has no ${name}`);
      return selector;
    });
    return {
      applyPatch: applyPatchModule.applyPatch,
      initialState: storeModule.initialState,
      selectors,
      fullSort: ({ segments }) => referenceView(segments.items, segments.filter, segments.sort),
    };
  } finally {
    if (previous) extensions._extensions['.ts'] = previous;
    else delete extensions._extensions['.ts'];
  }
}
