import type { CliCommand } from '../command';
import { inspect } from './inspect';
import { synth } from './synth';
import { run } from './run';
import { dual } from './dual';

/** Every `rimw` sub-command, in the order `rimw --help` lists them. Add one line per command. */
export const commands: CliCommand[] = [inspect, synth, run, dual];
