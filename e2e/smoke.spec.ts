import { expect, test } from '@playwright/test';

test('the app opens with its title and the data section', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'RIM Workbench' })).toBeVisible();
  await expect(page.getByRole('heading', { name: '1. Data' })).toBeVisible();
});
