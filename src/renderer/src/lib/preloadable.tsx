import { lazy, useState, type ComponentType } from 'react';

/**
 * A page loaded on first use (its own chunk), which can also be loaded ahead of its first render.
 * `React.lazy` alone suspends on its first render even when the chunk is already here (its promise settles a
 * tick later), and React 19 then holds the content back until 300 ms after the fallback appeared (its
 * Suspense throttling): on a cold start that is 300 ms added to the Overview. Once `preload()` has settled,
 * the page renders at once, with no fallback.
 */
export interface PreloadablePage<P extends object> {
  (props: P): React.ReactNode;
  preload: () => Promise<unknown>;
}

export function preloadable<P extends object>(load: () => Promise<ComponentType<P>>): PreloadablePage<P> {
  let loaded: ComponentType<P> | undefined;
  let loading: Promise<ComponentType<P>> | undefined;
  const preload = () =>
    (loading ??= load().then(
      (component) => (loaded = component),
      (err: unknown) => {
        loading = undefined; // a failed chunk load may be retried
        throw err;
      },
    ));
  const Lazy = lazy(() => preload().then((component) => ({ default: component })));
  const Page = (props: P) => {
    // Chosen once per mount: switching from Lazy to the loaded component later would remount the page.
    const [Component] = useState<ComponentType<P>>(() => loaded ?? Lazy);
    return <Component {...props} />;
  };
  return Object.assign(Page, { preload });
}
