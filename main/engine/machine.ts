// The machine this process runs on, as recorded beside a run's results and shown by
// `transfer-lab doctor` and Settings. Plain Node: loading it loads no tfjs.
import os from 'node:os';

export interface MachineInfo {
  os: string;
  arch: string;
  cpu: string;
  cpuCount: number;
  memoryBytes: number;
  nodeVersion: string;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    os: `${os.type()} ${os.release()} (${process.platform})`,
    arch: process.arch,
    cpu: cpus[0]?.model.trim() || 'unknown',
    cpuCount: cpus.length,
    memoryBytes: os.totalmem(),
    nodeVersion: process.versions.node,
  };
}
