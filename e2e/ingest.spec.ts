import { writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { AppPage } from './pages/app';

test('a file with bad rows loads its good rows and lists the bad ones by physical line and reason', async ({
  page,
}, info) => {
  const app = new AppPage(page);
  await app.open();
  await expect(app.summary.locator('dd').first()).toHaveText(/synthetic small/);
  const f = info.outputPath('bad-rows.csv');
  // Line 1 header; 2 ok; 3 unparsable time; 4–5 one quoted row over two lines (ok); 6 empty user; 7 wrong field count.
  writeFileSync(
    f,
    'user_id,item_id,timestamp\r\nu1,i1,100\r\nu1,i2,later\r\n"u\r\n2",i1,2020-01-01T00:00:00Z\r\n,i3,5\r\nu3,i1,7,extra\r\n',
  );
  await app.uploadAndWait(f, 'bad-rows.csv');
  expect(await app.summaryCounts()).toMatchObject({ events: 2, users: 2 });
  // Personalize-style health checks warn and do not refuse.
  await expect(page.getByTestId('data.health')).toContainText('only 2 events');
  const rows = app.problems.locator('tbody tr');
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(0)).toContainText('3unparsable-time');
  await expect(rows.nth(1)).toContainText('6empty-id');
  await expect(rows.nth(2)).toContainText('7wrong-field-count');
});

test('the preview re-splits when the user changes the header or the delimiter', async ({ page }, info) => {
  const app = new AppPage(page);
  await app.open();
  const f = info.outputPath('unclear.txt');
  writeFileSync(f, 'what;when;who\nx;5;ann\ny;3;ann\nx;4;bob\n');
  await app.upload.setInputFiles(f);
  const preview = page.getByTestId('data.preview');
  await expect(preview.locator('tbody tr')).toHaveCount(3);
  await expect(page.getByTestId('data.preview.delimiter')).toHaveValue(';');
  await page.getByTestId('data.preview.header').uncheck();
  await expect(preview.locator('tbody tr')).toHaveCount(4);
  await page.getByTestId('data.preview.delimiter').selectOption(',');
  await expect(preview.locator('thead select')).toHaveCount(1);
  await page.getByTestId('data.preview.delimiter').selectOption(';');
  await page.getByTestId('data.preview.header').check();
  await page.getByTestId('data.role.0').selectOption('item');
  await page.getByTestId('data.role.1').selectOption('time');
  await page.getByTestId('data.role.2').selectOption('user');
  await page.getByTestId('data.preview.load').click();
  await expect(app.summary.locator('dd').first()).toHaveText('unclear.txt');
  expect(await app.summaryCounts()).toMatchObject({ events: 3, users: 2 });
});

test('a large file is read by two workers at once and gives the same counts and bad-row lines', async ({
  page,
}, info) => {
  const app = new AppPage(page);
  await app.open();
  await expect(app.summary.locator('dd').first()).toHaveText(/synthetic small/);
  // ~10 MB (past the 8 MiB from which the data worker starts a second reader): 400,000 events of 1,000 users and
  // 500 items, a Latin-1 item id near the end, one bad row in each half.
  const lines = ['userId,movieId,rating,timestamp'];
  for (let k = 0; k < 400_000; k++) {
    if (k === 100_000) lines.push('7,8,4.0,yesterday');
    if (k === 300_000) lines.push(',8,4.0,1500000000');
    lines.push(`${k % 1000},${k === 399_999 ? 'caf\xe9' : (k * 7) % 499},4.0,${1_500_000_000 + k * 60}`);
  }
  const f = info.outputPath('large.csv');
  writeFileSync(f, Buffer.from(`${lines.join('\n')}\n`, 'latin1'));
  await app.uploadAndWait(f, 'large.csv');
  await expect(app.summary).toHaveAttribute('data-load-readers', '2');
  expect(await app.summaryCounts()).toMatchObject({ events: 400_000, users: 1000 });
  const rows = app.problems.locator('tbody tr');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText('100002unparsable-time');
  await expect(rows.nth(1)).toContainText('300003empty-id');
  // 499 numeric items and the Latin-1 one.
  await expect(app.summary).toHaveAttribute('data-items', '500');
});
