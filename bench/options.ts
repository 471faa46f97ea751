// Command-line options of the benchmark scripts that take `--name=number`.

/** The number given as `--name=<n>`, or `fallback`. */
export function option(name: string, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? Number(arg.slice(name.length + 3)) : fallback;
}
