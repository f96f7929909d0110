import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';
import type { ShellEvent } from '../../../core/service';
import { errorText, onCoreEvent } from '../api/client';

/**
 * The one way the renderer loads data from the core (modelled on Actual's `useQuery`): the answer,
 * the error as the text to show, and whether a load is under way. Answers that arrive after a newer
 * load started (the inputs changed, or the screen left) are dropped, and the data loads again when
 * the core reports a change to a table the screen reads.
 */
export interface CoreData<T> {
  data: T | null;
  /** The failure, worded for the user (`errorText`); null after a successful load. */
  error: string | null;
  loading: boolean;
  /** Loads again now (after the screen itself changed something); settles once data this new is in. */
  reload: () => Promise<void>;
}

/** The tables whose changes concern a screen, or 'all' (Overview, reports: everything counts). */
export type Watch = readonly string[] | 'all';

/** Whether a core event should make a screen that reads `watch` load again. */
export function concerns(event: ShellEvent, watch: Watch): boolean {
  if (event.type !== 'changed') return false;
  return watch === 'all' || event.tables.some((table) => watch.includes(table));
}

/** One subscription to the shell's event stream, shared by every screen that listens. */
const listeners = new Set<(event: ShellEvent) => void>();
let unsubscribeShell: (() => void) | null = null;

function listen(listener: (event: ShellEvent) => void): () => void {
  listeners.add(listener);
  unsubscribeShell ??= onCoreEvent((event) => {
    for (const l of [...listeners]) l(event);
  });
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      unsubscribeShell?.();
      unsubscribeShell = null;
    }
  };
}

/** Calls `onChange` when the core reports a change that concerns `watch` (grids refresh this way). */
export function useCoreChanges(watch: Watch, onChange: (event: ShellEvent) => void): void {
  const handler = useRef(onChange);
  useEffect(() => {
    handler.current = onChange;
  }, [onChange]);
  const key = watch === 'all' ? 'all' : watch.join(',');
  useEffect(() => {
    const tables: Watch = key === 'all' ? 'all' : key.split(',');
    return listen((event) => {
      if (concerns(event, tables)) handler.current(event);
    });
  }, [key]);
}

/**
 * Loads `load()` now and again whenever `deps` change or the core changes a watched table.
 * Pass `null` as `load` to load nothing (e.g. no record chosen yet). The previous answer stays
 * while the next one loads, so screens do not flicker on refetch. `initial`, read once on mount, is an answer
 * already here (one prefetched at start-up: peekPrefetched) to show in the first render; the load still runs.
 */
export function useCoreData<T>(load: (() => Promise<T>) | null, deps: DependencyList, watch: Watch = 'all', initial?: () => T | undefined): CoreData<T> {
  const [state, setState] = useState<{ data: T | null; error: string | null; loading: boolean }>(() => ({ data: initial?.() ?? null, error: null, loading: load !== null }));
  const latest = useRef(0);
  const loader = useRef(load);
  useEffect(() => {
    loader.current = load;
  });
  /** Callers of `reload` waiting for an answer at least as new as their own request. */
  const waiting = useRef<{ seq: number; resolve: () => void }[]>([]);

  const fetchNow = useCallback((): Promise<void> => {
    const run = loader.current;
    const seq = ++latest.current;
    const settled = new Promise<void>((resolve) => waiting.current.push({ seq, resolve }));
    const land = (next: (s: { data: T | null; error: string | null; loading: boolean }) => { data: T | null; error: string | null; loading: boolean }) => {
      if (seq !== latest.current) return; // a newer load is under way: its answer counts
      setState(next);
      const done = waiting.current.filter((w) => w.seq <= seq);
      waiting.current = waiting.current.filter((w) => w.seq > seq);
      for (const w of done) w.resolve();
    };
    if (!run) {
      land(() => ({ data: null, error: null, loading: false }));
      return settled;
    }
    setState((s) => ({ ...s, loading: true }));
    run().then(
      (data) => land(() => ({ data, error: null, loading: false })),
      (err: unknown) => land((s) => ({ data: s.data, error: errorText(err), loading: false })),
    );
    return settled;
    // The caller's deps decide when the loader is a new one (like useEffect's own deps).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);

  useEffect(() => {
    void fetchNow();
    // A load still running when the inputs change or the screen goes is answered into the void.
    const counter = latest;
    return () => void counter.current++;
  }, [fetchNow]);
  useCoreChanges(watch, () => void fetchNow());

  return { ...state, reload: fetchNow };
}

/** Hears every event of the shell (e.g. 'reopened' in the desktop app) over the shared subscription. */
export function useShellEvents(onEvent: (event: ShellEvent) => void): void {
  const handler = useRef(onEvent);
  useEffect(() => {
    handler.current = onEvent;
  }, [onEvent]);
  useEffect(() => listen((event) => handler.current(event)), []);
}
