// Command-line flags of the bench suites. It lives in a subfolder because every
// scripts/bench/*.ts is built and run as a suite of its own (scripts/build.mjs, bench.mjs).

/** The value of `--name value` or `--name=value` among this process's arguments, if given. */
export function argValue(name: string): string | undefined {
  const args = process.argv.slice(2);
  const inline = args.find((a) => a.startsWith(`${name}=`));
  if (inline) return inline.slice(name.length + 1);
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
