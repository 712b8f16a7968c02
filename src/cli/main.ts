import { UsageError, type CliIo } from './command';
import { commands } from './commands/index';

const io: CliIo = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
};

export function helpText(): string {
  const lines = ['rimw: RIM Workbench on the command line (the same core as the app).', '', 'Commands:'];
  for (const c of commands) lines.push(`  ${c.name.padEnd(10)} ${c.help.summary}`);
  lines.push('', ...commands.flatMap((c) => [c.help.usage, '']), 'rimw --help      this text');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(helpText());
    return name === undefined ? 2 : 0;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    io.err(`rimw: unknown command '${name}'\n\n${helpText()}`);
    return 2;
  }
  if (rest.includes('--help')) {
    io.out(entry.help.usage);
    return 0;
  }
  const cmd = await entry.load();
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`rimw ${name}: ${e.message}\n\n${cmd.usage}`);
      return 2;
    }
    throw e;
  }
}

process.exitCode = await main(process.argv.slice(2));
