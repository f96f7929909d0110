import { useCallback, useEffect, useState } from 'react';
import { errorText } from '../api/client';

/**
 * A small list edited in place (Settings): loads it, and runs each change followed by a reload,
 * keeping the last error to show beside the list. `load` must be stable (module-level or memoised).
 */
export function useEditableList<T>(load: () => Promise<T[]>, afterChange?: () => Promise<void>) {
  const [items, setItems] = useState<T[]>([]);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(async () => setItems(await load()), [load]);
  useEffect(() => void reload(), [reload]);
  const run = useCallback(
    async (change: () => Promise<unknown>) => {
      setError(null);
      try {
        await change();
        await reload();
        await afterChange?.();
      } catch (err) {
        setError(errorText(err));
      }
    },
    [reload, afterChange],
  );
  return { items, error, run };
}
