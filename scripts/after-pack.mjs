// electron-builder afterPack hook: flips Electron's fuses in the packaged binary before it is
// signed (afterPack runs before signing, so the signature covers the flipped fuses).
// Fuses are build-time switches baked into the Electron binary; turning these off removes
// ways to make the shipped app run arbitrary code (Electron security checklist item 19).
//   RunAsNode off                       ELECTRON_RUN_AS_NODE cannot turn the app into plain node
//   EnableNodeOptionsEnvironmentVariable off   NODE_OPTIONS cannot inject --require etc.
//   EnableNodeCliInspectArguments off   --inspect cannot attach a debugger
//   OnlyLoadAppFromAsar on              only app.asar is loaded, not a swapped-in app/ folder
//   EnableEmbeddedAsarIntegrityValidation on   app.asar must match the hash electron-builder embeds
//   EnableCookieEncryption on           cookies on disk are encrypted with the OS keychain key
//   GrantFileProtocolExtraPrivileges off       the app never uses file:// (it serves app://)
import path from 'node:path';
import { flipFuses, FuseV1Options, FuseVersion } from '@electron/fuses';

/** Fuse name (as in @electron/fuses' FuseV1Options) → wanted state. */
export const FUSE_SETTINGS = Object.freeze({
  RunAsNode: false,
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  OnlyLoadAppFromAsar: true,
  EnableEmbeddedAsarIntegrityValidation: true,
  EnableCookieEncryption: true,
  GrantFileProtocolExtraPrivileges: false,
});

/** builder-util's Arch enum: arm64 = 3, universal = 4. */
const ARM64_OR_UNIVERSAL = new Set([3, 4]);

/** The file @electron/fuses edits: the .app bundle on macOS, the executable elsewhere. */
export function electronBinaryPath(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  switch (electronPlatformName) {
    case 'darwin':
    case 'mas':
      return path.join(appOutDir, `${packager.appInfo.productFilename}.app`);
    case 'win32':
      return path.join(appOutDir, `${packager.appInfo.productFilename}.exe`);
    case 'linux':
      return path.join(appOutDir, packager.executableName);
    default:
      throw new Error(`after-pack: unknown platform ${JSON.stringify(electronPlatformName)}`);
  }
}

/** electron-builder looks this hook up by its name, afterPack. */
export async function afterPack(context) {
  const config = {
    version: FuseVersion.V1,
    // Editing the binary breaks the ad-hoc signature Apple silicon requires; re-sign ad hoc
    // (electron-builder signs properly afterwards when an identity is configured).
    resetAdHocDarwinSignature: context.electronPlatformName === 'darwin' && ARM64_OR_UNIVERSAL.has(context.arch),
  };
  for (const [name, enabled] of Object.entries(FUSE_SETTINGS)) {
    const index = FuseV1Options[name];
    if (typeof index !== 'number') throw new Error(`after-pack: @electron/fuses has no fuse named ${name}`);
    config[index] = enabled;
  }
  const binary = electronBinaryPath(context);
  await flipFuses(binary, config);
  console.log(`  • fuses set in ${binary}: ${Object.entries(FUSE_SETTINGS).map(([n, v]) => `${n}=${v ? 'on' : 'off'}`).join(', ')}`);
}

export default afterPack;
