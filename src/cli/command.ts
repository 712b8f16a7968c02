/** One `rimw` sub-command. Each lives in its own file under commands/ and is listed in commands/index.ts. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

export interface CliCommand {
  name: string;
  /** One line for `rimw --help`. */
  summary: string;
  /** Full usage with every option, shown by `rimw NAME --help` and `rimw --help`. */
  usage: string;
  /** Returns the exit code: 0 ok, 1 refused input, 2 bad usage. */
  run(argv: string[], io: CliIo): Promise<number>;
}

/** Thrown by argument parsing; main turns it into exit code 2 with the usage. */
export class UsageError extends Error {}

/** Minimal `--flag value` / `--switch` parser: every option named, unknown ones rejected. */
export function parseArgs(
  argv: string[],
  spec: { values?: string[]; switches?: string[]; positionals?: number },
): { values: Record<string, string>; switches: Set<string>; positionals: string[] } {
  const values: Record<string, string> = {};
  const switches = new Set<string>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const [name, inline] = a.slice(2).split(/=(.*)/s, 2);
      if (spec.values?.includes(name)) {
        const v = inline ?? argv[++i];
        if (v === undefined) throw new UsageError(`--${name} needs a value`);
        values[name] = v;
      } else if (spec.switches?.includes(name)) {
        switches.add(name);
      } else {
        throw new UsageError(`unknown option --${name}`);
      }
    } else {
      positionals.push(a);
    }
  }
  if (spec.positionals !== undefined && positionals.length !== spec.positionals) {
    throw new UsageError(`expected ${spec.positionals} argument(s), got ${positionals.length}`);
  }
  return { values, switches, positionals };
}
