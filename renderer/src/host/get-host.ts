import type { InspectorHost } from '../../../protocol/channels';
import type { HostStatusEvent } from './host-status';
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
  return createWebSocketHost({ url: websocketUrl(window.location), onStatus });
}
