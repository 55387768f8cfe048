// `transfer-lab doctor`: which backends load here and why the others do not, the GPU
// adapter, versions, and where the data lives — the first thing to run when something is
// off. All of it is app.info, the same answer the Settings page shows.
import { openCore } from './core-client';

export async function doctorCommand(options: { db?: string }): Promise<number> {
  const core = openCore({ db: options.db });
  try {
    const info = await core.call('app.info', {});
    const { system } = info;
    const out = (s: string) => process.stdout.write(s + '\n');
    out(`Transfer Lab ${info.appVersion}  (tfjs ${info.tfjsVersion}, Node ${system.nodeVersion})`);
    out(`system       ${system.os} ${system.arch}, ${system.cpuCount} × ${system.cpu}, ${(system.memoryBytes / 2 ** 30).toFixed(1)} GiB`);
    out(`data folder  ${info.dataFolder}${process.env.TRANSFER_LAB_HOME ? ' (from TRANSFER_LAB_HOME)' : ''}`);
    out(`database     ${info.databaseFile}`);
    out(`backend      ${info.backend.name} (auto)`);
    for (const s of info.backend.skipped) out(`  skipped ${s.backend}: ${s.reason}`);
    const adapter = info.backend.gpuAdapter;
    if (adapter) {
      out(`gpu adapter  ${adapter.vendor || '?'} / ${adapter.architecture || '?'} / ${adapter.description || adapter.device}${adapter.software ? ` (software: ${adapter.softwareReason})` : ''}`);
      out(`  driver ${adapter.driver || 'not reported'}; maxBufferSize ${adapter.limits.maxBufferSize}, maxStorageBufferBindingSize ${adapter.limits.maxStorageBufferBindingSize}`);
    }
    return 0;
  } finally {
    await core.close();
  }
}
