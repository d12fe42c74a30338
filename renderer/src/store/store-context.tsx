import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { InspectorState, InspectorStore } from './inspector-store';

const StoreContext = createContext<InspectorStore | null>(null);

/** Gives components the store; main.tsx makes one store, a test makes one per test. */
export function StoreProvider({ store, children }: { store: InspectorStore; children: ReactNode }) {
  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

/** The store itself, for actions (store/actions.ts). */
export function useInspectorStore(): InspectorStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useInspectorStore needs a <StoreProvider> above it');
  return store;
}

/** Reads the store through a selector; the component re-renders when the selected value changes. */
export function useInspector<T>(selector: (state: InspectorState) => T): T {
  return useStore(useInspectorStore(), selector);
}
