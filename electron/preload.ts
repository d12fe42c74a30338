/**
 * The preload: exposes the InspectorHost to the renderer and nothing else (never raw
 * ipcRenderer). Bundled into one file, as a sandboxed preload cannot require modules.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { InspectorHost, Patch } from '../protocol/channels';

const host: InspectorHost = {
  request: (channel, request) => ipcRenderer.invoke('inspector:request', channel, request),
  subscribe(listener) {
    const onPatch = (_event: IpcRendererEvent, patch: Patch): void => listener(patch);
    ipcRenderer.on('inspector:patch', onPatch);
    ipcRenderer.send('inspector:subscribe');
    return () => {
      ipcRenderer.removeListener('inspector:patch', onPatch);
      ipcRenderer.send('inspector:unsubscribe');
    };
  },
};

contextBridge.exposeInMainWorld('inspectorHost', host);
