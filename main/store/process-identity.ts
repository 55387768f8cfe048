// Who a process is, beyond its pid. Pids are reused (often within minutes on Windows), so a
// run's owner is recorded as pid + start time: a live process with that pid but another
// start time is somebody else. Start times come from /proc on Linux, `ps` on macOS and other
// Unixes, and CIM (PowerShell) on Windows; where none answers, the pid alone decides.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/** Start times read by different means (ps has whole seconds) agree within this. */
export const START_TIME_TOLERANCE_MS = 2000;

export interface ProcessIdentity {
  pid: number;
  /** Unix epoch ms when the process started, or null when the platform cannot tell. */
  startedAt: number | null;
}

let linuxBootMs: number | undefined;
function linuxBootTime(): number {
  if (linuxBootMs === undefined) {
    const line = /^btime (\d+)$/m.exec(fs.readFileSync('/proc/stat', 'utf8'));
    linuxBootMs = line ? Number(line[1]) * 1000 : Number.NaN;
  }
  return linuxBootMs;
}

function linuxStartTime(pid: number): number | null {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[19]); // field 22, starttime, in clock ticks (100 per second on Linux)
  const boot = linuxBootTime();
  return Number.isFinite(ticks) && Number.isFinite(boot) ? boot + ticks * 10 : null;
}

function run(command: string, args: string[]): string | null {
  try {
    return execFileSync(command, args, { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'], windowsHide: true }).trim();
  } catch {
    return null;
  }
}

function windowsProcess(pid: number, property: 'CreationDate' | 'CommandLine'): string | null {
  const script = `$p = Get-CimInstance Win32_Process -Filter "ProcessId=${pid}"; if ($p) { ${
    property === 'CreationDate' ? '$p.CreationDate.ToUniversalTime().ToString("o")' : '$p.CommandLine'
  } }`;
  return run('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', script]) || null;
}

/** When the process started (Unix epoch ms), or null when it does not exist or the platform cannot tell. */
export function processStartTime(pid: number): number | null {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  if (process.platform === 'linux' && fs.existsSync('/proc/self/stat')) return linuxStartTime(pid);
  const text = process.platform === 'win32' ? windowsProcess(pid, 'CreationDate') : run('ps', ['-o', 'lstart=', '-p', String(pid)]);
  if (!text) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

/** The process's command line, or null when it does not exist or the platform cannot tell. */
export function processCommandLine(pid: number): string | null {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  if (process.platform === 'linux' && fs.existsSync('/proc/self/cmdline')) {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    } catch {
      return null;
    }
  }
  return process.platform === 'win32' ? windowsProcess(pid, 'CommandLine') : run('ps', ['-o', 'command=', '-p', String(pid)]);
}

let own: ProcessIdentity | undefined;
/**
 * This process's identity (read once). On Windows it is estimated from the process's uptime
 * rather than asked of PowerShell, which would block this process for a second.
 */
export function ownIdentity(): ProcessIdentity {
  const estimate = () => Math.round(Date.now() - process.uptime() * 1000);
  own ??= { pid: process.pid, startedAt: process.platform === 'win32' ? estimate() : processStartTime(process.pid) ?? estimate() };
  return own;
}

/**
 * True when a process with this pid exists. EPERM means it exists but belongs to another user.
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True when the process recorded as `identity` still runs: its pid is alive and, when both
 * start times are known, it started when the recorded one did (not a newcomer with a reused pid).
 */
export function isSameProcessAlive(identity: ProcessIdentity): boolean {
  if (identity.pid === process.pid) return identity.startedAt === null || Math.abs(identity.startedAt - ownIdentity().startedAt!) <= START_TIME_TOLERANCE_MS;
  if (!isProcessAlive(identity.pid)) return false;
  if (identity.startedAt === null) return true;
  const actual = processStartTime(identity.pid);
  return actual === null || Math.abs(actual - identity.startedAt) <= START_TIME_TOLERANCE_MS;
}
