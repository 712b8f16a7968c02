import { describe, expect, it } from 'vitest';
import { ingestBytes } from '../data/ingest/index';
import { impressionCsv } from './csv';
import { ImpressionReader, readImpressionBytes, type ImpressionReadOptions, type ImpressionReadResult } from './read';
import type { ImpressionLog } from './types';
import { generateCtrWorld } from './world';
import { ctrPresetConfig } from './worldConfig';

const enc = (s: string) => new TextEncoder().encode(s);

/** Impressions as [user, item, time, click, conversion, context, category] strings/numbers, in log order. */
function rows(log: ImpressionLog) {
  return Array.from(log.user, (u, e) => [
    log.userIds[u],
    log.itemIds[log.item[e]],
    log.time[e],
    log.click[e],
    log.conversion[e],
    ...(log.context ? [log.context[e] < 0 ? null : log.contextIds![log.context[e]]] : []),
    ...(log.itemCategory
      ? [log.itemCategory[log.item[e]] < 0 ? null : log.categoryIds![log.itemCategory[log.item[e]]]]
      : []),
  ]);
}

/** Reads the text whole and in 1- and 7-byte chunks (gathered for detection, then read at once); all must agree. */
function read(text: string, options?: ImpressionReadOptions): ImpressionReadResult {
  const b = enc(text);
  const whole = readImpressionBytes(b, options);
  const key = (r: ImpressionReadResult) => JSON.stringify(r.ok ? [rows(r.log), r.report, r.summary] : r);
  for (const size of [1, 7]) {
    const rd = new ImpressionReader(options);
    for (let i = 0; i < b.length; i += size) rd.push(b.slice(i, i + size));
    expect(key(rd.finish()), `chunks of ${size}`).toBe(key(whole));
  }
  return whole;
}

function must(r: ImpressionReadResult) {
  if (!r.ok) throw new Error(r.reason);
  return r;
}

describe('impression logs with labels', () => {
  it('click, conversion, context and category columns; bad labels and conversions without a click left out by line', () => {
    const r = must(
      read(
        'user,item,timestamp,is_click,conversion,scenario,cate_id\n' +
          'u1,i1,100,1,1,business,c1\n' +
          'u1,i2,100,0,0,business,c2\n' +
          'u2,i1,90,true,false,leisure,c1\n' +
          'u2,i3,95,yes,0,leisure,c3\n' +
          '\n' +
          'u2,i4,96,0,1,leisure,c3\n' +
          'u1,i3,50,0,0,,c9\n' +
          'u3,i2,70,1,0,business,c5\n',
      ),
    );
    expect(rows(r.log)).toEqual([
      ['u1', 'i3', 50, 0, 0, null, 'c9'],
      ['u1', 'i1', 100, 1, 1, 'business', 'c1'],
      ['u1', 'i2', 100, 0, 0, 'business', 'c2'],
      ['u2', 'i1', 90, 1, 0, 'leisure', 'c1'],
      ['u3', 'i2', 70, 1, 0, 'business', 'c2'],
    ]);
    const rep = r.report;
    expect(rep.kind).toBe('impressions');
    expect(rep.columns).toEqual({
      user: 'user',
      item: 'item',
      time: 'timestamp',
      click: 'is_click',
      conversion: 'conversion',
      context: 'scenario',
      category: 'cate_id',
    });
    expect(rep.badLabels).toEqual({ count: 1, lines: [5] });
    expect(rep.conversionWithoutClick).toEqual({ count: 1, lines: [7] });
    expect(rep.itemsWithSeveralCategories).toBe(1);
    expect(rep.actions).toEqual([
      '1 row(s) with a label that is not 0, 1, true or false in is_click, conversion were left out: line 5.',
      '1 row(s) with a conversion but no click were left out: line 7.',
      '1 item(s) appear with more than one category: each keeps the category of its first row.',
    ]);
    const s = r.summary;
    expect([s.kind, s.labels, s.impressions, s.users, s.items, s.clicks, s.conversions]).toEqual([
      'impressions',
      'logged',
      5,
      3,
      3,
      3,
      1,
    ]);
    expect([s.clickRate, s.conversionPerClick, s.conversionPerImpression, s.repeatRate]).toEqual([0.6, 1 / 3, 0.2, 0]);
    expect([s.context, s.category, s.negatives]).toEqual([
      { column: 'scenario', cardinality: 2 },
      { column: 'cate_id', cardinality: 3 },
      'logged',
    ]);
  });

  it("Taobao's ad display log (nonclk, clk, pid): the pair must sum to 1; a constant conversion-free file is reported", () => {
    const r = must(
      read(
        'user,time_stamp,adgroup_id,pid,nonclk,clk\n' +
          '581738,1494137644,1,430548_1007,1,0\n' +
          '449818,1494638778,3,430548_1007,1,0\n' +
          '914836,1494650879,4,430548_1007,0,1\n' +
          '914836,1494651029,5,430539_1007,1,1\n' +
          '914836,1494651100,4,430539_1007,0,1\n',
      ),
    );
    expect(rows(r.log)).toEqual([
      ['581738', '1', 1494137644, 0, 0, '430548_1007'],
      ['449818', '3', 1494638778, 0, 0, '430548_1007'],
      ['914836', '4', 1494650879, 1, 0, '430548_1007'],
      ['914836', '4', 1494651100, 1, 0, '430539_1007'],
    ]);
    expect(r.report.columns).toMatchObject({ item: 'adgroup_id', context: 'pid', click: 'clk', nonClick: 'nonclk' });
    expect(r.report.badLabels).toEqual({ count: 1, lines: [5] });
    expect(r.report.actions[0]).toBe(
      '1 row(s) with a label that is not 0, 1, true or false (or with nonclk + clk ≠ 1) in clk, nonclk were left out: line 5.',
    );
    // A repeat: user 914836 clicked ad 4 at an earlier time.
    expect(r.summary.repeatRate).toBe(0.5);
    expect(r.report.constantLabels).toEqual([]);
  });

  it('a constant label column is reported with a reason, its rows kept; an unreadable file is refused', () => {
    const r = must(read('user,item,time,click,conversion\na,x,1,1,0\nb,y,2,1,0\n'));
    expect(r.log.user.length).toBe(2);
    expect(r.report.constantLabels).toEqual([
      {
        column: 'click',
        value: 1,
        reason: 'every kept impression is clicked (click): no non-clicked impressions, so click AUC is undefined',
      },
      { column: 'conversion', value: 0, reason: 'no click converts (conversion): conversion AUC is undefined' },
    ]);
    const bad = read('user,item,time,click\na,x,1,maybe\nb,y,2,2\n');
    expect(!bad.ok && [bad.code, bad.reason, bad.report?.badLabels]).toEqual([
      'bad-file',
      "none of the 2 rows has labels that read (see the report's lines)",
      { count: 2, lines: [2, 3] },
    ]);
    const empty = read('');
    expect(!empty.ok && empty.reason).toBe('the file is empty');
  });
});

describe('event logs become impressions with sampled negatives', () => {
  const personalize =
    'USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\n' +
    'a,x,100,view\n' +
    'a,x,150,purchase\n' +
    'a,y,160,Purchase\n' +
    'a,z,170,cart\n' +
    'b,y,120,click\n' +
    'b,w,125,click\n' +
    'b,y,130,click\n' +
    'b,y,140,purchase\n' +
    'c,w,110,view\n';

  it('views and clicks are clicks, a purchase converts the last click on its item, cart is left out', () => {
    const r = must(read(personalize, { sampling: { perClick: 2, seed: 4 } }));
    const clicks = rows(r.log).filter((x) => x[3] === 1);
    expect(clicks).toEqual([
      ['a', 'x', 100, 1, 1],
      ['a', 'y', 160, 1, 1],
      ['b', 'y', 120, 1, 0],
      ['b', 'w', 125, 1, 0],
      ['b', 'y', 130, 1, 1],
      ['c', 'w', 110, 1, 0],
    ]);
    expect(r.log.negatives).toBe('sampled');
    expect(r.log.negativesPerClick).toBe(2);
    expect(r.report.eventTypes).toEqual([
      { type: 'view', rows: 2, as: 'click' },
      { type: 'purchase', rows: 2, as: 'conversion' },
      { type: 'Purchase', rows: 1, as: 'conversion' },
      { type: 'cart', rows: 1, as: 'other' },
      { type: 'click', rows: 3, as: 'click' },
    ]);
    expect(r.report.actions.slice(0, 2)).toEqual([
      'Event types: view (2), click (3) → click; purchase (2), Purchase (1) → conversion; cart (1) → left out.',
      "2 purchase(s) converted the user's last unconverted click on that item; 1 had no click before them and count as a click and a conversion.",
    ]);
    expect([r.summary.kind, r.summary.labels, r.summary.negatives]).toEqual(['interactions', 'event-types', 'sampled']);
    expect(r.summary.notes[0]).toBe(
      'The non-clicked impressions are sampled, not logged: 2 per click, drawn by popularity among the items seen around that time.',
    );
    // Every negative shares a click's user and time, and is not an item that user clicked then.
    const clickAt = new Set(clicks.map((x) => `${x[0]} ${x[2]}`));
    const clickedThen = new Set(clicks.map((x) => `${x[0]} ${x[1]} ${x[2]}`));
    for (const x of rows(r.log).filter((x) => x[3] === 0)) {
      expect(clickAt.has(`${x[0]} ${x[2]}`)).toBe(true);
      expect(clickedThen.has(`${x[0]} ${x[1]} ${x[2]}`)).toBe(false);
    }
    // The interaction reader still reads this file as it did: every row an interaction, the event type dropped.
    const plain = ingestBytes(enc(personalize));
    expect(plain.ok && [plain.dataset.user.length, plain.report.columns]).toEqual([
      9,
      { user: 0, item: 1, value: -1, time: 2, eventType: 3 },
    ]);
  });

  it("Taobao's headerless user-behaviour file (user, item, category, pv/cart/fav/buy, time)", () => {
    const r = must(
      read(
        '1,2268318,2520377,pv,1511544070\n1,2333346,2520771,pv,1511561733\n1,2268318,2520377,buy,1511572885\n2,2333346,2520771,fav,1511562000\n',
      ),
    );
    expect(r.report.kind).toBe('events');
    expect(rows(r.log).filter((x) => x[3] === 1)).toEqual([
      ['1', '2268318', 1511544070, 1, 1, '2520377'],
      ['1', '2333346', 1511561733, 1, 0, '2520771'],
    ]);
    expect(r.report.columns).toEqual({
      user: 'user_id',
      item: 'item_id',
      time: 'timestamp',
      eventType: 'behavior_type',
      category: 'category_id',
    });
    // The interaction reader cannot read this file (its fourth column is taken for the time).
    const plain = ingestBytes(enc('1,2268318,2520377,pv,1511544070\n'));
    expect(plain.ok).toBe(false);
  });

  it('refuses an event log with no view, click or purchase', () => {
    const r = read('user,item,time,event_type\na,x,1,cart\nb,y,2,fav\n');
    expect(!r.ok && r.reason).toBe('none of the event types is a view, click or purchase (found: cart, fav)');
  });
});

describe('interaction logs', () => {
  it('ratings: every row a click, a rating ≥ 4 a conversion, negatives sampled from unrated items', () => {
    const text = 'userId,movieId,rating,timestamp\n1,10,4.5,100\n1,11,3,200\n2,10,5,150\n2,12,2,160\n3,13,4,170\n';
    const r = must(read(text, { sampling: { perClick: 1 } }));
    expect([r.report.kind, r.summary.labels, r.summary.clicks, r.summary.conversions]).toEqual([
      'interactions',
      'ratings',
      5,
      3,
    ]);
    expect(r.report.why).toBe('no header names a click, conversion or event-type column');
    expect(r.report.actions[0]).toMatch(
      /^Every row is a click \(a rating of an item, column rating\)\. Negatives: 1 per click/,
    );
    // The file reads through the interaction reader exactly as before.
    expect(r.report.ingest).toEqual((ingestBytes(enc(text)) as { report: unknown }).report);
  });

  it('no ratings: every row a click, no conversions (reported constant)', () => {
    const r = must(read('user,item,time\na,x,1\na,y,2\nb,x,3\n', { sampling: { perClick: 1 } }));
    expect([r.summary.labels, r.summary.clicks, r.summary.conversions]).toEqual(['rows', 3, 0]);
    expect(r.report.constantLabels.map((c) => c.column)).toEqual(['conversion']);
  });
});

describe('round trip', () => {
  it("the small world's log written as CSV reads back unchanged", () => {
    const g = generateCtrWorld({ ...ctrPresetConfig('small', 2), nUsers: 150, targetImpressions: 6_000 });
    if (!g.ok) throw new Error(g.reason);
    const log = g.data.log;
    const text = [...impressionCsv(log, 64)].join('');
    // Chunks of 4099 bytes: detection on the first 64 KiB, then chunk ends fall inside rows on the fast path.
    const b = enc(text);
    expect(b.length).toBeGreaterThan(3 * 65_536);
    const rd = new ImpressionReader();
    for (let i = 0; i < b.length; i += 4099) rd.push(b.slice(i, i + 4099));
    const r = must(rd.finish());
    expect(rows(r.log)).toEqual(rows(log));
    expect(r.summary.repeatRate).toBeGreaterThan(0);
    expect(r.report.actions).toEqual([]);
  });
});
