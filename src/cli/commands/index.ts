import type { CliCommand } from '../command';
import { synth } from './synth';
import { run } from './run';

/** Every `rimw` sub-command, in the order `rimw --help` lists them. Add one line per command. */
export const commands: CliCommand[] = [synth, run];
