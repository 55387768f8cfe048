// Runs the built CLI (bin/transfer-lab.js) as a user would, against a given data folder, and
// collects its exit code and output. Shared by the CLI tests.
import { execFile } from 'node:child_process';
import path from 'node:path';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export const CLI_BIN = path.resolve('bin/transfer-lab.js');

export function runCli(home: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI_BIN, ...args], { env: { ...process.env, TRANSFER_LAB_HOME: home, ...env }, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}
