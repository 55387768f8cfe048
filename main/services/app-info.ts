// What the Settings page and the wizard's first screen need to know about this install.
import fs from 'node:fs';
import path from 'node:path';
import type { AppContext } from './app-context';
import { appVersion, resourcesDir } from '../paths';
import type { AppInfo } from '@contract';
import { machineInfo } from '../engine/machine';

export async function appInfo(app: AppContext, mode: AppInfo['mode']) {
  // The backend that summaries and predictions use is the helper process's choice.
  const backend = await app.helper.request('backend', {});
  return {
    appVersion: appVersion(),
    tfjsVersion: backend.tfjsVersion,
    dataFolder: app.dataFolder,
    databaseFile: app.databaseFile,
    platform: `${process.platform} ${process.arch}`,
    mode,
    system: machineInfo(),
    backend: { name: backend.name, skipped: backend.skipped, ...(backend.gpuAdapter ? { gpuAdapter: backend.gpuAdapter } : {}) },
    examples: exampleSpecs(),
  };
}

/** The example specs shipped in resources/examples, for "start from an example". */
export function exampleSpecs(): { file: string; name: string; spec: unknown }[] {
  const dir = path.join(resourcesDir(), 'examples');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const spec = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { name?: string };
      return { file, name: spec.name ?? file, spec };
    });
}

