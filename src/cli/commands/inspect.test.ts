import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../command';
import { spawnSync } from 'node:child_process';
import { inspect } from './inspect';
import { movieLens } from '../../testing/sharedData';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

describe('rimw inspect', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rimw-inspect-'));
  it('--json on MovieLens ratings.csv with movies.csv: format, roles, counts, time range, top items', async ({
    skip,
  }) => {
    const ml = movieLens(skip, 'ratings.csv', 'movies.csv');
    const c = capture();
    expect(await inspect.run([`${ml}/ratings.csv`, '--items', `${ml}/movies.csv`, '--json'], c.io)).toBe(0);
    const j = JSON.parse(c.out.join('\n'));
    expect(j.format).toEqual({ delimiter: ',', header: true, encoding: 'utf-8', bom: false });
    expect(j.columns).toEqual({ user: 'userId', item: 'movieId', value: 'rating', time: 'timestamp' });
    expect([j.rowsRead, j.events, j.skipped, j.users, j.items]).toEqual([100_836, 100_836, 0, 610, 9_724]);
    expect(j.problems).toEqual([]);
    // First and last rating of ml-latest-small: 1996-03-29 18:36:55 and 2018-09-24 14:27:30 UTC.
    expect(j.timeRange).toEqual([828_124_615, 1_537_799_250]);
    expect(j.topItems[0]).toEqual({ id: '356', count: 329, title: 'Forrest Gump (1994)' });
  });

  it('lists skipped rows with their physical lines; exit 1 with a message for a refused file; 2 on bad usage', async () => {
    const f = join(dir, 'bad.csv');
    writeFileSync(f, 'user,item,time\r\na,x,1\r\n"b\r\nb",y,nope\r\n,z,3\r\n');
    const c = capture();
    expect(await inspect.run([f, '--json'], c.io)).toBe(0);
    const j = JSON.parse(c.out.join('\n'));
    expect([j.rowsRead, j.events, j.skipped]).toEqual([3, 1, 2]);
    expect(j.problems).toEqual([
      { line: 3, reason: 'unparsable-time', text: '"b\r\nb",y,nope' },
      { line: 5, reason: 'empty-id', text: ',z,3' },
    ]);
    const h = join(dir, 'header.csv');
    writeFileSync(h, 'userId,movieId,rating,timestamp\n');
    const e = capture();
    expect(await inspect.run([h], e.io)).toBe(1);
    expect(e.err.join('\n')).toMatch(/header\.csv: the file has a header but no rows/);
    const missing = capture();
    expect(await inspect.run([join(dir, 'nope.csv')], missing.io)).toBe(1);
    expect(missing.err.join('\n')).toMatch(/nope\.csv: ENOENT/);
    await expect(inspect.run([], capture().io)).rejects.toBeInstanceOf(UsageError);
    await expect(inspect.run([f, '--bogus'], capture().io)).rejects.toBeInstanceOf(UsageError);
    // The real binary: `rimw --help` lists the command with its options and exits 0.
    const help = spawnSync(process.execPath, ['--import', 'tsx', resolve(__dirname, '../main.ts'), '--help'], {
      encoding: 'utf8',
    });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/rimw inspect FILE \[--items META\] \[--json\]/);
  });
});
