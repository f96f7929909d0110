import { useEffect, useState } from 'react';

/**
 * The first screen's first paint, for the loads that need not be in it (the sync badge, the park's name,
 * the hub's status, the database check, the Overview's lists under its figures). Started in the first
 * render's effects, their requests, answers and the re-renders those cause ran before the browser painted
 * and pushed the figures back on a cold start; they now start once the figures are on screen. Later
 * loads (a change, another page) run at once.
 */
let painted = false;
let markPainted: () => void = () => undefined;
const paintedOnce = new Promise<void>((resolve) => (markPainted = resolve));

/** Called by the first render's effect (boot.tsx): the frame after it has been painted settles the wait. */
export function firstRenderCommitted(): void {
  if (painted) return;
  requestAnimationFrame(() =>
    setTimeout(() => {
      painted = true;
      markPainted();
    }),
  );
}

/** `load()` once the first screen has been painted (at once after that). */
export function afterFirstPaint<T>(load: () => Promise<T>): Promise<T> {
  return painted ? load() : paintedOnce.then(load);
}

/**
 * False until the first screen has been painted (then true, at once for screens mounted after it): a
 * screen renders what lies below the fold only then, so a cold start lays out and paints the figures
 * without it (the Overview's charts and lists).
 */
export function useFirstPaintDone(): boolean {
  const [done, setDone] = useState(painted);
  useEffect(() => {
    if (done) return;
    let live = true;
    void paintedOnce.then(() => live && setDone(true));
    return () => {
      live = false;
    };
  }, [done]);
  return done;
}
