// `transfer-lab doctor`: which backends load here and why the others do not, versions,
// and where the data lives — the first thing to run when something is off.
import * as tf from '@tensorflow/tfjs';
import { selectBackend, environmentInfo } from '../engine/backend';
import { defaultDataFolder, defaultDatabasePath } from '../store';
import { appVersion } from '../paths';

export async function doctorCommand(options: { db?: string }): Promise<number> {
  const out = (s: string) => process.stdout.write(s + '\n');
  const env = environmentInfo();
  out(`Transfer Lab ${appVersion()}  (tfjs ${tf.version.tfjs}, Node ${process.versions.node})`);
  out(`system       ${env.os} ${env.arch}, ${env.cpuCount} × ${env.cpu}, ${(env.memoryBytes / 2 ** 30).toFixed(1)} GiB`);
  out(`data folder  ${defaultDataFolder()}${process.env.TRANSFER_LAB_HOME ? ' (from TRANSFER_LAB_HOME)' : ''}`);
  out(`database     ${options.db ?? defaultDatabasePath()}`);
  const choice = await selectBackend('auto');
  out(`backend      ${choice.name} (auto)`);
  for (const s of choice.skipped) out(`  skipped ${s.backend}: ${s.reason}`);
  return 0;
}
