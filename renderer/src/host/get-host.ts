import type { InspectorHost } from '../../../protocol/channels';
import type { HostStatusEvent } from './host-status';
import { WEBSOCKET_PROTOCOL, websocketProtocols } from '../../../protocol/websocket-messages';
import { takePageToken } from './page-token';
import { createWebSocketHost, websocketUrl } from './websocket-host';

declare global {
  interface Window {
    /** Set by the Electron preload (contextBridge); absent in a browser. */
    inspectorHost?: InspectorHost;
  }
}

/**
 * The host this page talks to: Electron's preload host when there is one, else a
 * WebSocket to the browser host that served the page. `onStatus` hears only the
 * WebSocket's connection changes; the Electron host is connected for the window's life.
 */
export function getHost(onStatus: (event: HostStatusEvent) => void): InspectorHost {
  if (window.inspectorHost) return window.inspectorHost;
  const page = { location: window.location, history: window.history, storage: window.sessionStorage };
  const token = takePageToken(page);
  // The new address of a restarted host, opened in this tab, differs only in its fragment:
  // the browser does not reload for that. Take its token and start again with it.
  window.addEventListener('hashchange', () => {
    if (!window.location.hash.startsWith('#token=')) return;
    if (takePageToken(page) !== token) window.location.reload();
  });
  // Without a token (the page was not opened from the printed address) the server refuses the handshake.
  const protocols = token === null ? [WEBSOCKET_PROTOCOL] : websocketProtocols(token);
  // Answers when the server that served this page is up, whatever it thinks of the token.
  const probe = () =>
    fetch(new URL('/', window.location.href), { method: 'HEAD', cache: 'no-store' }).then(
      (response) => response.ok,
      () => false,
    );
  return createWebSocketHost({ url: websocketUrl(window.location), protocols, onStatus, probe });
}
