// `transfer-lab web` as users run it: the built CLI in a child process. It prints the
// token URL, refuses bad flags and a missing renderer build with one clear line, opens the
// URL with the platform's opener on --open, and on SIGTERM cancels the running experiment,
// records it as cancelled and exits 0.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeRendererFolder } from './web-fixture';
import { longSourceSpec } from '../training/tiny-specs';
import { createStore } from '../../../main/store';
import { openUrlCommand } from '../../../main/cli/open-url';

const cli = path.resolve('dist/main/cli.js');
let home: string;
let rendererDir: string;

beforeAll(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-web-cli-'));
  rendererDir = makeRendererFolder(home);
});
afterAll(() => fs.rmSync(home, { recursive: true, force: true, maxRetries: 5 }));

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { env: { ...process.env, TRANSFER_LAB_HOME: home, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('transfer-lab web', () => {
  it('refuses a bad port, stray arguments and a missing renderer build with one clear line (exit 2)', async () => {
    const env = { TRANSFER_LAB_RENDERER_DIR: rendererDir };
    for (const port of ['abc', '-1', '70000', '1.5']) {
      const res = await runCli(['web', `--port=${port}`], env);
      expect(res.code).toBe(2);
      expect(res.stderr).toBe(`transfer-lab: --port must be a whole number from 0 to 65535 (0 picks a free port), got "${port}"\n`);
    }
    expect((await runCli(['web', 'extra'], env)).code).toBe(2);
    const missing = await runCli(['web', '--port', '0'], { TRANSFER_LAB_RENDERER_DIR: path.join(home, 'no-such-build') });
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/the browser UI is not built: .*no-such-build[\\/]index\.html is missing\. Run `npm run build` first\./);
  });

  // Windows has no signals a test can send: child.kill('SIGTERM') there is TerminateProcess,
  // which no handler sees. How Windows stops browser mode is tested with the CLI's stop paths.
  it.skipIf(process.platform === 'win32')('prints the token URL, and on SIGTERM cancels running experiments and exits 0 (POSIX only: Windows has no SIGTERM to send)', async () => {
    const child = spawn(process.execPath, [cli, 'web', '--port', '0', '--no-open'], {
      env: { ...process.env, TRANSFER_LAB_HOME: home, TRANSFER_LAB_RENDERER_DIR: rendererDir },
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
        const match = /^Transfer Lab is running at (http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43})$/m.exec(stdout);
        if (match) resolve(match[1]);
      });
      child.on('exit', () => reject(new Error(`exited early: ${stderr}`)));
    });
    expect(stdout).toContain(`data folder  ${home}`);
    const { origin, searchParams } = new URL(url);
    const call = (method: string, args: unknown) =>
      fetch(`${origin}/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${searchParams.get('token')}` },
        body: JSON.stringify(args),
      }).then((r) => r.json() as Promise<{ result: never }>);

    const { result } = await call('experiments.start', { spec: longSourceSpec() });
    const runId = (result as { runs: { id: string }[] }).runs[0].id;
    // Wait until the worker is training, so shutdown has a real job to cancel.
    for (let i = 0; i < 200; i++) {
      const run = (await call('runs.get', { runId })) as { result: { run: { status: string } } };
      if (run.result.run.status === 'running') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toContain('stopping (cancelling 1 running experiment)');

    const store = createStore(path.join(home, 'transfer-lab.sqlite'));
    try {
      expect(store.runs.require(runId).status).toBe('cancelled');
    } finally {
      store.close();
    }
  });

  it.skipIf(process.platform === 'win32')('--open hands the URL, as one argument, to the platform opener found on the PATH (xdg-open; open on macOS) (POSIX only: Windows runs rundll32 by full path)', async () => {
    const bin = path.join(home, 'fake-bin');
    const record = path.join(home, 'opened.txt');
    fs.mkdirSync(bin, { recursive: true });
    const opener = path.join(bin, process.platform === 'darwin' ? 'open' : 'xdg-open');
    fs.writeFileSync(opener, `#!/bin/sh\nprintf '%s\\n' "$#" "$@" > '${record}'\n`, { mode: 0o755 });
    const child = spawn(process.execPath, [cli, 'web', '--port', '0', '--open'], {
      env: { ...process.env, TRANSFER_LAB_HOME: home, TRANSFER_LAB_RENDERER_DIR: rendererDir, PATH: `${bin}${path.delimiter}${process.env.PATH}` },
    });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    try {
      let stdout = '';
      const url = await new Promise<string>((resolve) => {
        child.stdout.on('data', (c: Buffer) => {
          stdout += c.toString();
          const match = /running at (\S+)/.exec(stdout);
          if (match) resolve(match[1]);
        });
      });
      for (let i = 0; i < 100 && !fs.existsSync(record); i++) await new Promise((r) => setTimeout(r, 50));
      expect(fs.readFileSync(record, 'utf8')).toBe(`1\n${url}\n`);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
  });
});

describe('opening a URL on each platform', () => {
  const url = 'http://127.0.0.1:8765/?token=abc&x="y"';

  it('Windows: rundll32 by full path with the URL as its own argument, no cmd, no console window', () => {
    const { command, args, options } = openUrlCommand(url, 'win32', { SystemRoot: 'C:\\Windows' });
    expect(command).toBe('C:\\Windows\\System32\\rundll32.exe');
    expect(args).toEqual(['url.dll,FileProtocolHandler', url]);
    expect(options.windowsHide).toBe(true);
    expect(options.detached).toBeFalsy();
    expect(options.shell).toBeFalsy();
  });

  it('macOS: open; Linux: xdg-open, detached from the terminal', () => {
    expect(openUrlCommand(url, 'darwin')).toMatchObject({ command: 'open', args: [url], options: { detached: true } });
    expect(openUrlCommand(url, 'linux')).toMatchObject({ command: 'xdg-open', args: [url], options: { detached: true } });
    expect(openUrlCommand(url, 'linux').options.shell).toBeFalsy();
  });

  it.runIf(process.platform === 'win32')('Windows: the opener exists where it is looked for', () => {
    expect(fs.existsSync(openUrlCommand(url).command)).toBe(true);
  });
});
