import type { CliCommand } from '../command';
import { COMMAND_HELP, type CommandHelp } from './help';

/** A sub-command by name and its help; its module (and what that imports) loads only when the command runs. */
export interface CommandEntry {
  name: string;
  help: CommandHelp;
  load: () => Promise<CliCommand>;
}

/** Every `rimw` sub-command, in the order `rimw --help` lists them. Add one line per command. */
export const commands: CommandEntry[] = [
  { name: 'inspect', help: COMMAND_HELP.inspect, load: async () => (await import('./inspect')).inspect },
  { name: 'synth', help: COMMAND_HELP.synth, load: async () => (await import('./synth')).synth },
  { name: 'run', help: COMMAND_HELP.run, load: async () => (await import('./run')).run },
  { name: 'dual', help: COMMAND_HELP.dual, load: async () => (await import('./dual')).dual },
];
