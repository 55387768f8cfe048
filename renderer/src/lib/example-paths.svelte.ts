// Example paths for text fields' placeholders, in the form of the machine whose disk the
// paths are on: the core's (app.info's platform), which in browser mode may not be the
// browser's. "C:\Users\me\data" on Windows, "/Users/me/data" on macOS, "/home/me/data" elsewhere.
import { call } from './api';

type PathStyle = 'windows' | 'macos' | 'linux';

/** The style of app.info's platform text, e.g. "win32 x64". */
export function pathStyleOf(platform: string): PathStyle {
  if (platform.startsWith('win32')) return 'windows';
  if (platform.startsWith('darwin')) return 'macos';
  return 'linux';
}

/** An example path under the user's home folder, in the given style. */
export function examplePathIn(style: PathStyle, ...segments: string[]): string {
  if (style === 'windows') return ['C:\\Users\\me', ...segments].join('\\');
  return [style === 'macos' ? '/Users/me' : '/home/me', ...segments].join('/');
}

let style = $state<PathStyle>('linux');
let asked = false;

/** Reactive: starts in the Linux form and switches once app.info has answered. */
export function examplePath(...segments: string[]): string {
  if (!asked) {
    asked = true;
    call('app.info', {}).then(
      (info) => (style = pathStyleOf(info.platform)),
      () => undefined, // A placeholder is not worth an error message.
    );
  }
  return examplePathIn(style, ...segments);
}
