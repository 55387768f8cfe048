// The preload of the main window. It runs sandboxed (webPreferences.sandbox), so it may use
// only Electron's renderer-side API and the bundled contract; everything it does is in
// bridge.ts, which is tested with test doubles for contextBridge and ipcRenderer.
import { contextBridge, ipcRenderer } from 'electron';
import { exposeApi } from './bridge';

exposeApi(contextBridge, ipcRenderer);
