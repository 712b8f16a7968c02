import { UsageError, type CliIo } from './command';
import { commands } from './commands/index';

const io: CliIo = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
};

export async function helpText(): Promise<string> {
  const all = await Promise.all(commands.map((c) => c.load()));
  const lines = ['rimw: RIM Workbench on the command line (the same core as the app).', '', 'Commands:'];
  for (const c of all) lines.push(`  ${c.name.padEnd(10)} ${c.summary}`);
  lines.push('', ...all.flatMap((c) => [c.usage, '']), 'rimw --help      this text');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(await helpText());
    return name === undefined ? 2 : 0;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    io.err(`rimw: unknown command '${name}'\n\n${await helpText()}`);
    return 2;
  }
  const cmd = await entry.load();
  if (rest.includes('--help')) {
    io.out(cmd.usage);
    return 0;
  }
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
