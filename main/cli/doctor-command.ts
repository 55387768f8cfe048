// `transfer-lab doctor`: which backends load here and why the others do not, versions,
// and where the data lives — the first thing to run when something is off.
import * as tf from '@tensorflow/tfjs';
import { selectBackend, environmentInfo } from '../engine/backend';
import { probeWebgpuAdapter } from '../engine/webgpu';
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
  // The adapter 'auto' may have passed over (a software one) is worth naming too.
  const adapter = choice.gpuAdapter ?? (await probeWebgpuAdapter());
  if (adapter) {
    out(`gpu adapter  ${adapter.vendor || '?'} / ${adapter.architecture || '?'} / ${adapter.description || adapter.device}${adapter.software ? ` (software: ${adapter.softwareReason})` : ''}`);
    out(`  driver ${adapter.driver || 'not reported'}; maxBufferSize ${adapter.limits.maxBufferSize}, maxStorageBufferBindingSize ${adapter.limits.maxStorageBufferBindingSize}`);
  }
  return 0;
}
