// Exit codes in words. A Windows process that crashes exits with the NTSTATUS code of the
// exception (3221225477 is 0xC0000005, an access violation); shown raw, nobody can tell a
// crash in a native module from running out of memory. POSIX crashes arrive as signals and
// are named by the supervisor; ordinary codes stay numbers.

/** The NTSTATUS codes a crashed training process plausibly ends with. */
const NTSTATUS: ReadonlyMap<number, string> = new Map([
  [0xc0000005, 'access violation: a crash in native code'],
  [0xc000001d, 'illegal instruction: the CPU lacks an instruction the code needs'],
  [0xc0000094, 'integer division by zero in native code'],
  [0xc00000fd, 'stack overflow'],
  [0xc0000135, 'a DLL it needs was not found'],
  [0xc0000142, 'a DLL failed to initialise'],
  [0xc000013a, 'stopped by Ctrl-C or by closing the console'],
  [0xc0000374, 'heap corruption in native code'],
  [0xc0000409, 'fast fail: the process aborted itself (a failed check or abort())'],
  [0xc0000017, 'out of memory'],
  [0xc000012d, 'out of memory: the system commit limit (RAM plus page file) is reached'],
]);

const OUT_OF_MEMORY = new Set([0xc0000017, 0xc000012d]);

/** The code as Windows writes it, unsigned (Node may report it signed on some paths). */
function unsigned(code: number): number {
  return code >>> 0;
}

function isNtStatus(code: number | null): code is number {
  return code !== null && Number.isInteger(code) && unsigned(code) >= 0xc0000000;
}

/** "code 1", or "code 0xC0000005 (access violation: …)" for a Windows crash. */
export function describeExitCode(code: number | null): string {
  if (!isNtStatus(code)) return `code ${code}`;
  const hex = `0x${unsigned(code).toString(16).toUpperCase().padStart(8, '0')}`;
  const meaning = NTSTATUS.get(unsigned(code));
  return meaning ? `code ${hex} (${meaning})` : `code ${hex} (a Windows crash status)`;
}

/** Whether the exit code says the process ran out of memory (Windows). */
export function isOutOfMemoryExit(code: number | null): boolean {
  return isNtStatus(code) && OUT_OF_MEMORY.has(unsigned(code));
}
