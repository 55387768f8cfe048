// `npm run dist`: the icons from resources/build/icon.svg, then electron-builder for this OS
// with electron-builder.yml, plus what depends on the signing secrets present:
//   macOS   with CSC_LINK/CSC_NAME: signed with that identity (hardened runtime) and notarised
//           when APPLE_ID/APPLE_APP_SPECIFIC_PASSWORD/APPLE_TEAM_ID or APPLE_API_KEY/
//           APPLE_API_KEY_ID/APPLE_API_ISSUER are set; without: signed ad hoc (identity "-",
//           as Apple silicon requires and electron-builder would otherwise skip), not notarised;
//   Windows with CSC_LINK/WIN_CSC_LINK: signed; without: unsigned;
//   Linux   never signed.
// Whether the build is signed goes into the packaged package.json (transferLabBuild.signed):
// the app offers updates on macOS only when it is (main/electron/updates.ts).
// Extra arguments are passed on: `npm run dist -- --mac --arm64`.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const set = (env, name) => typeof env[name] === 'string' && env[name].trim() !== '';

/** The credential sets electron-builder's notarisation accepts. */
export function hasNotarizeCredentials(env) {
  return (
    (set(env, 'APPLE_API_KEY') && set(env, 'APPLE_API_KEY_ID') && set(env, 'APPLE_API_ISSUER')) ||
    (set(env, 'APPLE_ID') && set(env, 'APPLE_APP_SPECIFIC_PASSWORD') && set(env, 'APPLE_TEAM_ID')) ||
    (set(env, 'APPLE_KEYCHAIN') && set(env, 'APPLE_KEYCHAIN_PROFILE'))
  );
}

/** Signing plan and electron-builder -c overrides for a build on `platform` with `env`. */
export function signingPlan(platform, env) {
  if (platform === 'darwin') {
    const signed = set(env, 'CSC_LINK') || set(env, 'CSC_NAME');
    const notarize = signed && hasNotarizeCredentials(env);
    const args = signed ? [] : ['-c.mac.identity=-'];
    args.push(`-c.mac.notarize=${notarize}`);
    return { signed, notarize, args: [...args, `-c.extraMetadata.transferLabBuild.signed=${signed}`] };
  }
  if (platform === 'win32') {
    const signed = set(env, 'CSC_LINK') || set(env, 'WIN_CSC_LINK');
    return { signed, notarize: false, args: [`-c.extraMetadata.transferLabBuild.signed=${signed}`] };
  }
  return { signed: false, notarize: false, args: ['-c.extraMetadata.transferLabBuild.signed=false'] };
}

async function main() {
  const { makeIcons } = await import('./make-icons.mjs');
  await makeIcons();
  const plan = signingPlan(process.platform, process.env);
  console.log(`dist: ${plan.signed ? 'signed' : process.platform === 'darwin' ? 'ad-hoc signed' : 'unsigned'}${plan.notarize ? ', notarised' : ''}`);
  const require = createRequire(path.join(root, 'package.json'));
  const cli = require.resolve('electron-builder/cli.js');
  const args = [cli, '--config', 'electron-builder.yml', ...plan.args, ...process.argv.slice(2)];
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  process.exit(result.status ?? 1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err.message);
    process.exit(1);
  });
}
