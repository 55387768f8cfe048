// "Is this path inside that folder?", the check every guard against escaping a folder rests
// on (the renderer files, run folders the store deletes, weights files a model.json names).
// Windows and macOS file systems ignore case by default, so there `C:\Data\runs\x` lies
// inside `c:\data\Runs`: comparing case-sensitively would refuse (or fail to clean up) a
// folder that is really inside. Linux compares exactly.
import path from 'node:path';

type Platform = NodeJS.Platform;

/** The path module whose rules apply on `platform` (path.win32 on Windows). */
export function pathFor(platform: Platform = process.platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** Whether the platform's default file system ignores case (NTFS, APFS). */
export function ignoresCase(platform: Platform = process.platform): boolean {
  return platform === 'win32' || platform === 'darwin';
}

/**
 * True when `file` is `root` or lies below it. Both are resolved first; on Windows and
 * macOS the comparison ignores case (and Unicode normalisation: APFS names are NFD).
 */
export function isWithinFolder(root: string, file: string, platform: Platform = process.platform): boolean {
  const p = pathFor(platform);
  const fold = (s: string) => (ignoresCase(platform) ? s.normalize('NFC').toLowerCase() : s);
  const resolvedRoot = fold(p.resolve(root));
  const resolvedFile = fold(p.resolve(file));
  if (resolvedFile === resolvedRoot) return true;
  const prefix = resolvedRoot.endsWith(p.sep) ? resolvedRoot : resolvedRoot + p.sep;
  return resolvedFile.startsWith(prefix);
}
