/**
 * The browser host's per-run token, kept where only this origin can read it. `serve`
 * prints `http://HOST:PORT/#token=...`: a fragment is never sent in a request, and the
 * page moves it at once to sessionStorage (scoped to scheme, host and port, unlike a
 * cookie, which browsers send to every port of a host) and takes it out of the address
 * bar. A reload in the same tab finds it there again.
 */

const STORAGE_KEY = 'shm-inspector-token';
const FRAGMENT = /^#token=([0-9a-f]{64})$/;

/** The parts of window this needs, so that a test can pass its own. */
export interface TokenPage {
  location: Pick<Location, 'hash' | 'pathname' | 'search'>;
  history: Pick<History, 'replaceState' | 'state'>;
  storage: Pick<Storage, 'getItem' | 'setItem'>;
}

/** Moves a token in the address's fragment to storage, then returns the stored token (null when there is none). */
export function takePageToken(page: TokenPage): string | null {
  const { hash, pathname, search } = page.location;
  if (hash.startsWith('#token=')) {
    const token = FRAGMENT.exec(hash)?.[1];
    if (token !== undefined) page.storage.setItem(STORAGE_KEY, token);
    // Out of the address bar (and so out of history, bookmarks and screenshots), right or wrong.
    page.history.replaceState(page.history.state, '', `${pathname}${search}`);
  }
  return page.storage.getItem(STORAGE_KEY);
}
