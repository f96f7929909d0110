import { useCallback, useState } from 'react';
import { errorText } from '../api/client';
import { useCoreData, type Watch } from './useCoreData';

/**
 * A small list edited in place (Settings): loads it through `useCoreData` (so it follows changes
 * made elsewhere too), and runs each change followed by a reload, keeping the last error to show
 * beside the list. `load` must be stable (module-level or memoised).
 */
export function useEditableList<T>(load: () => Promise<T[]>, watch: Watch, afterChange?: () => Promise<void>) {
  const list = useCoreData(load, [load], watch);
  const [actionError, setActionError] = useState<string | null>(null);
  const { reload } = list;
  const run = useCallback(
    async (change: () => Promise<unknown>) => {
      setActionError(null);
      try {
        await change();
        await reload();
        await afterChange?.();
      } catch (err) {
        setActionError(errorText(err));
      }
    },
    [reload, afterChange],
  );
  return { items: list.data ?? [], error: actionError ?? list.error, run };
}
