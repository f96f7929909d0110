/// <reference lib="dom" />
import { expect, test, type Page } from '@playwright/test';

/**
 * Reduced motion, the system's accessibility setting: with it on, the Overview's charts are drawn in their
 * final state at once (ECharts' grow-in redraws a chart in every frame for a second), and nothing slides
 * or spins (the stylesheet's transitions, the grid's row moves). With it off the charts still animate, which is what tells the two apart.
 * Read-only: it shares the screens' web shell.
 */

/** Counts, per chart, the animation frames in which its drawing changed (installed before the app loads). */
function recordChartFrames(): void {
  const w = window as unknown as { chartFrames: Map<Element, Set<number>>; frame: number };
  w.chartFrames = new Map();
  w.frame = 0;
  const tick = () => {
    w.frame++;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  new MutationObserver((mutations) => {
    for (const m of mutations) {
      const target = m.target instanceof Element ? m.target : m.target.parentElement;
      const chart = target?.closest('.chart');
      if (!chart?.querySelector('svg')) continue;
      if (!w.chartFrames.has(chart)) w.chartFrames.set(chart, new Set());
      w.chartFrames.get(chart)!.add(w.frame);
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
}

/**
 * Between the two: a chart under reduced motion is redrawn in a few frames (3 here), one that grows in
 * for a second in 29–49 even at a load of 10–12. The boundary sits low so that a starved renderer, which
 * draws fewer frames a second, still tells them apart.
 */
const MOST_FRAMES_AT_ONCE = 6;

/** How many frames each chart of the Overview was redrawn in, once the page has been still for a second. */
async function chartFrames(page: Page): Promise<number[]> {
  await page.addInitScript(recordChartFrames);
  await page.goto('/#/overview');
  await expect(page.locator('.chart svg').first()).toBeVisible();
  await expect(page.locator('[aria-busy="true"], .chart-loading')).toHaveCount(0);
  // Still: no chart changed in the last second (a second of frames, counted on the page's own clock).
  await expect.poll(() => page.evaluate(() => {
    const w = window as unknown as { chartFrames: Map<Element, Set<number>>; frame: number; last?: { frame: number; changes: number; at: number } };
    const changes = [...w.chartFrames.values()].reduce((n, s) => n + s.size, 0);
    if (w.last?.changes !== changes) w.last = { frame: w.frame, changes, at: performance.now() };
    return performance.now() - w.last.at > 1_000 && w.frame - w.last.frame > 10;
  }), { intervals: [200] }).toBe(true);
  return page.evaluate(() => [...(window as unknown as { chartFrames: Map<Element, Set<number>> }).chartFrames.values()].map((s) => s.size));
}

/** The loading spinner's animation, the sidebar's fold and the grid rows' moves (on a sort), as the page gives them. */
async function stylesheetMotion(page: Page): Promise<{ spinner: string; sidebar: string; gridRows: string; gridAnimates: boolean }> {
  await page.goto('/#/enterprises');
  await expect(page.locator('.ag-row').first()).toBeVisible();
  return page.evaluate(() => {
    const spinner = document.body.appendChild(Object.assign(document.createElement('span'), { className: 'spinner' }));
    return {
      spinner: getComputedStyle(spinner).animationName,
      sidebar: getComputedStyle(document.querySelector('.sidebar')!).transitionDuration,
      gridRows: getComputedStyle(document.querySelector('.ag-row')!).transitionDuration,
      // The grid's own switch (animateRows), which the stylesheet alone would hide.
      gridAnimates: document.querySelector('.ag-row-animation') !== null,
    };
  });
}

test.describe('with reduced motion', () => {
  test.use({ reducedMotion: 'reduce' });

  test('the Overview\'s charts are drawn at once, not grown frame by frame', async ({ page }) => {
    // A chart is drawn when it gets its data and again when its box settles: a few frames (3 here), not a second's worth (30 to 50).
    const frames = await chartFrames(page);
    expect(Math.max(...frames), `frames per chart: ${frames.join(', ')}`).toBeLessThanOrEqual(MOST_FRAMES_AT_ONCE);
  });

  test('nothing slides or spins: the spinner stands still, the sidebar folds and grid rows move at once', async ({ page }) => {
    expect(await stylesheetMotion(page)).toEqual({ spinner: 'none', sidebar: '0s', gridRows: '0s', gridAnimates: false });
  });
});

test.describe('without reduced motion', () => {
  test.use({ reducedMotion: 'no-preference' });

  test('the Overview\'s charts grow in (the check above can fail)', async ({ page }) => {
    const frames = await chartFrames(page);
    expect(Math.max(...frames), `frames per chart: ${frames.join(', ')}`).toBeGreaterThan(MOST_FRAMES_AT_ONCE);
  });

  test('the spinner spins, the sidebar slides and grid rows glide', async ({ page }) => {
    // The grid rows' durations are AG Grid's own (they may change with it): only that they move matters.
    expect(await stylesheetMotion(page)).toEqual({ spinner: 'spin', sidebar: '0.15s', gridRows: expect.not.stringMatching(/^0s(, 0s)*$/), gridAnimates: true });
  });
});
