// The security policy: the pure decisions, and the handlers it attaches, driven through
// test doubles that stand in for Electron's webContents, session, app and shell.
import { describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import {
  decideWindowOpen,
  externalLinkTarget,
  guardAllWebContents,
  guardSession,
  guardWebContents,
  isAllowedNavigation,
  type GuardedSession,
  type NavigationEvent,
} from '../../../main/electron/security';

/** FakeNavigationEvent: a test double for Electron's navigation event (url + preventDefault). */
class FakeNavigationEvent implements NavigationEvent {
  prevented = false;
  constructor(readonly url: string) {}
  preventDefault(): void {
    this.prevented = true;
  }
}

/** FakeWebContents: a test double standing in for Electron's WebContents (events + window-open handler). */
class FakeWebContents extends EventEmitter {
  windowOpenHandler?: (details: { url: string }) => { action: 'deny' };
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.windowOpenHandler = handler;
  }
}

/** FakeShell: a test double for Electron's shell; records what would be opened externally. */
class FakeShell {
  opened: string[] = [];
  async openExternal(url: string): Promise<void> {
    this.opened.push(url);
  }
}

const flushImmediates = () => new Promise((r) => setImmediate(r));
const quiet = () => undefined;

describe('navigation policy (checklist 13)', () => {
  it('allows only our own app:// pages', () => {
    expect(isAllowedNavigation('app://transfer-lab/index.html')).toBe(true);
    expect(isAllowedNavigation('app://transfer-lab/index.html#/runs/abc')).toBe(true);
    for (const url of [
      'http://transfer-lab/index.html',
      'https://example.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'about:blank',
      'app://transfer-lab.evil.com/index.html',
      'app://evil/index.html',
      'app://user:pw@transfer-lab/index.html',
      'not a url',
      '',
    ]) {
      expect(isAllowedNavigation(url), url).toBe(false);
    }
  });
});

describe('window.open and external links (checklist 14, 15)', () => {
  it('opens only well-formed https URLs externally, normalised', () => {
    expect(externalLinkTarget('https://www.tensorflow.org/js')).toBe('https://www.tensorflow.org/js');
    expect(externalLinkTarget('HTTPS://Example.COM/a b')).toBe('https://example.com/a%20b');
    for (const url of ['http://example.com', 'file:///C:/Windows/system32/calc.exe', 'smb://host/share', 'javascript:alert(1)', 'ms-msdt:/id', 'https://user:pw@example.com/', 'https://', 'nonsense']) {
      expect(externalLinkTarget(url), url).toBeNull();
    }
  });

  it('always denies the new window', () => {
    expect(decideWindowOpen('https://example.com')).toEqual({ action: 'deny', openExternally: 'https://example.com/' });
    expect(decideWindowOpen('app://transfer-lab/index.html')).toEqual({ action: 'deny', openExternally: null });
  });
});

describe('guardWebContents', () => {
  it('prevents navigation, redirects and frame navigation away from app://, and lets app:// through', () => {
    const contents = new FakeWebContents();
    guardWebContents(contents, new FakeShell(), quiet);
    for (const name of ['will-navigate', 'will-redirect', 'will-frame-navigate']) {
      const away = new FakeNavigationEvent('https://evil.example/');
      contents.emit(name, away);
      expect(away.prevented, name).toBe(true);
      const home = new FakeNavigationEvent('app://transfer-lab/index.html#/runs');
      contents.emit(name, home);
      expect(home.prevented, name).toBe(false);
    }
  });

  it('prevents <webview> from attaching', () => {
    const contents = new FakeWebContents();
    guardWebContents(contents, new FakeShell(), quiet);
    const attach = new FakeNavigationEvent('');
    contents.emit('will-attach-webview', attach);
    expect(attach.prevented).toBe(true);
  });

  it('denies window.open; hands https links, and only those, to the OS', async () => {
    const contents = new FakeWebContents();
    const shell = new FakeShell();
    guardWebContents(contents, shell, quiet);
    expect(contents.windowOpenHandler!({ url: 'https://www.tensorflow.org/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler!({ url: 'http://example.com/' })).toEqual({ action: 'deny' });
    await flushImmediates();
    expect(shell.opened).toEqual(['https://www.tensorflow.org/']);
  });

  it('is applied to every webContents the app creates', () => {
    const app = new EventEmitter();
    guardAllWebContents(app as never, new FakeShell());
    const contents = new FakeWebContents();
    app.emit('web-contents-created', {}, contents);
    expect(contents.listenerCount('will-navigate')).toBe(1);
    expect(contents.windowOpenHandler).toBeDefined();
  });
});

describe('guardSession (checklist 5)', () => {
  it('denies every permission request and check, and every device', () => {
    // FakeSession: a test double for Electron's Session; it keeps the handlers it is given.
    const FakeSession = {
      request: undefined as unknown as Parameters<GuardedSession['setPermissionRequestHandler']>[0],
      check: undefined as unknown as Parameters<GuardedSession['setPermissionCheckHandler']>[0],
      device: undefined as unknown as Parameters<GuardedSession['setDevicePermissionHandler']>[0],
      setPermissionRequestHandler(h: never) {
        this.request = h;
      },
      setPermissionCheckHandler(h: never) {
        this.check = h;
      },
      setDevicePermissionHandler(h: never) {
        this.device = h;
      },
    };
    guardSession(FakeSession);
    const granted: boolean[] = [];
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal', 'fullscreen']) {
      FakeSession.request({}, permission, (ok) => granted.push(ok));
    }
    expect(granted).toEqual([false, false, false, false, false, false]);
    expect(FakeSession.check()).toBe(false);
    expect(FakeSession.device()).toBe(false);
  });
});
