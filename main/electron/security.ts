// The desktop app's security policy, in one file (the README's architecture: one security policy, tested end to end). Numbers in
// comments refer to Electron's security checklist (docs/tutorial/security.md,
// "Checklist: Security recommendations"). The decisions are pure functions, tested under
// plain Node; guardAllWebContents() and guardSession() only attach them to Electron's objects.
//
// Covered elsewhere: 2, 3, 4, 6, 8, 9, 10 — the pinned webPreferences in window.ts;
// 7 (CSP) and 18 (no file://) — protocol.ts; 17 (validate the IPC sender) — ipc.ts;
// 19 (fuses) — scripts/after-pack.mjs; 20 (no Electron API in the page) — preload/bridge.ts.
// There is no `remote` module to disable: it left Electron in version 14.
import { APP_HOST, APP_SCHEME } from './protocol';

/** 13: the only pages a window may navigate to are our own app:// pages. */
export function isAllowedNavigation(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  // Compare parsed parts, never string prefixes: "app://transfer-lab.evil" must not pass.
  return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
}

/**
 * 15: the URL a link may be handed to the operating system with, or null. Only https, only a
 * URL that parses, and without credentials; the parsed (normalised) form is what is opened,
 * never the raw string the page supplied.
 */
export function externalLinkTarget(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' || parsed.hostname === '' || parsed.username !== '' || parsed.password !== '') return null;
  return parsed.href;
}

/** 14: every window.open / target=_blank is denied; an https link opens in the user's browser instead. */
export function decideWindowOpen(url: string): { action: 'deny'; openExternally: string | null } {
  return { action: 'deny', openExternally: externalLinkTarget(url) };
}

/** 5: the app needs no browser permission (camera, notifications, clipboard-read, …): deny all. */
export function permissionRequestHandler(_webContents: unknown, _permission: string, callback: (granted: boolean) => void): void {
  callback(false);
}
export function permissionCheckHandler(): boolean {
  return false;
}
/** 5: no HID, serial or USB device either. */
export function devicePermissionHandler(): boolean {
  return false;
}

// ---- The slices of Electron's objects the policy is attached to (test doubles implement them).

export interface NavigationEvent {
  readonly url: string;
  preventDefault(): void;
}
export interface PreventableEvent {
  preventDefault(): void;
}

export interface GuardedWebContents {
  on(event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate', listener: (event: NavigationEvent) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export interface GuardedSession {
  setPermissionRequestHandler(handler: typeof permissionRequestHandler): void;
  setPermissionCheckHandler(handler: typeof permissionCheckHandler): void;
  setDevicePermissionHandler(handler: typeof devicePermissionHandler): void;
}

export interface ExternalShell {
  openExternal(url: string): Promise<void>;
}

export interface GuardedApp {
  on(event: 'web-contents-created', listener: (event: unknown, contents: GuardedWebContents) => void): unknown;
}

/** Attaches the navigation, window-open and webview rules to one webContents. */
export function guardWebContents(contents: GuardedWebContents, shell: ExternalShell, log: (message: string) => void = console.warn): void {
  // 13: block navigation away from app:// — top-level, redirects, and any frame.
  const blockForeign = (kind: string) => (event: NavigationEvent) => {
    if (!isAllowedNavigation(event.url)) {
      event.preventDefault();
      log(`blocked ${kind} to ${String(event.url).slice(0, 200)}`);
    }
  };
  contents.on('will-navigate', blockForeign('navigation'));
  contents.on('will-redirect', blockForeign('redirect'));
  contents.on('will-frame-navigate', blockForeign('frame navigation'));
  // 11, 12: the app has no <webview>; refuse to attach one (webviewTag is off as well).
  contents.on('will-attach-webview', (event) => event.preventDefault());
  // 14, 15: no new windows; https links go to the default browser.
  contents.setWindowOpenHandler(({ url }) => {
    const decision = decideWindowOpen(url);
    if (decision.openExternally !== null) {
      const target = decision.openExternally;
      // Outside the handler: openExternal may show OS UI and must not block the renderer.
      setImmediate(() => shell.openExternal(target).catch((err: unknown) => log(`cannot open ${target}: ${String(err)}`)));
    } else {
      log(`denied window.open of ${String(url).slice(0, 200)}`);
    }
    return { action: decision.action };
  });
}

/**
 * Guards every webContents the app ever creates, as it is created (so nothing is missed,
 * whichever code opens it). Call before the first window; it may run before app 'ready'.
 */
export function guardAllWebContents(app: GuardedApp, shell: ExternalShell): void {
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, shell));
}

/** 5: the session denies every permission request and check. Call after app 'ready'. */
export function guardSession(session: GuardedSession): void {
  session.setPermissionRequestHandler(permissionRequestHandler);
  session.setPermissionCheckHandler(permissionCheckHandler);
  session.setDevicePermissionHandler(devicePermissionHandler);
}
