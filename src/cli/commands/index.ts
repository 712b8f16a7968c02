import type { CliCommand } from '../command';

/** A sub-command by name; its module (and what that imports) loads only when the command runs or help is asked. */
export interface CommandEntry {
  name: string;
  load: () => Promise<CliCommand>;
}

/** Every `rimw` sub-command, in the order `rimw --help` lists them. Add one line per command. */
export const commands: CommandEntry[] = [
  { name: 'inspect', load: async () => (await import('./inspect')).inspect },
  { name: 'synth', load: async () => (await import('./synth')).synth },
  { name: 'run', load: async () => (await import('./run')).run },
  { name: 'dual', load: async () => (await import('./dual')).dual },
];
