// What the Settings page and the wizard's first screen need to know about this install.
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { AppContext } from './app-context';
import { appVersion, resourcesDir } from '../paths';
import { ensureBackend } from './tfjs-runtime';
import { environmentInfo } from '../engine/backend';
import type { AppInfo } from '../../preload/contract';

export async function appInfo(app: AppContext, mode: AppInfo['mode']) {
  const backend = await ensureBackend();
  const { os, arch, cpu, cpuCount, memoryBytes, nodeVersion } = environmentInfo();
  return {
    appVersion: appVersion(),
    tfjsVersion: tf.version.tfjs,
    dataFolder: app.dataFolder,
    databaseFile: app.databaseFile,
    platform: `${process.platform} ${process.arch}`,
    mode,
    system: { os, arch, cpu, cpuCount, memoryBytes, nodeVersion },
    backend: { name: backend.name, skipped: backend.skipped },
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
