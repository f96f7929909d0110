import type { GridApi } from 'ag-grid-community';
import type { KeyboardEvent as ReactKeyboardEvent, FocusEvent as ReactFocusEvent } from 'react';

/**
 * The grid as one Tab stop (WAI-ARIA grid pattern): Tab enters on the last focused cell (or the
 * first), arrow keys move inside (AG Grid's own navigation), Enter opens the record, F2 edits the
 * cell (AG Grid's own), Esc leaves the grid, and Tab / Shift+Tab leave it for the next or previous
 * control instead of walking through every header, filter and cell.
 */
const TABBABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

function tabbables(): HTMLElement[] {
  return [...document.querySelectorAll<HTMLElement>(TABBABLE)].filter((el) => el.offsetParent !== null || el === document.activeElement);
}

/** Moves focus to the first tabbable control after (or before) `container`. */
export function focusOutside(container: HTMLElement, backwards: boolean): void {
  const all = tabbables().filter((el) => !container.contains(el));
  const after = all.filter((el) => container.compareDocumentPosition(el) & (backwards ? Node.DOCUMENT_POSITION_PRECEDING : Node.DOCUMENT_POSITION_FOLLOWING));
  const next = backwards ? after[after.length - 1] : after[0];
  // Nothing after the grid: leave the page's controls as the browser would (the next Tab starts over).
  if (next) next.focus();
  else (document.activeElement as HTMLElement | null)?.blur();
}

const inPopup = (el: Element | null) => !!el?.closest('.ag-popup, .ag-filter, .ag-menu, .ag-popup-editor');

export function gridKeyHandlers<R>(getApi: () => GridApi<R> | null | undefined, open: (row: R) => void) {
  let lastCell: { rowIndex: number; colId: string } | null = null;

  const onKeyDownCapture = (e: ReactKeyboardEvent<HTMLElement>) => {
    const api = getApi();
    if (!api) return;
    const target = e.target as HTMLElement;
    const editing = api.getEditingCells().length > 0;
    if (editing || inPopup(target)) return; // editors and filter pop-ups keep their own keys
    if (e.key === 'Tab' && !e.ctrlKey && !e.altKey && !e.metaKey) {
      e.preventDefault();
      e.stopPropagation();
      focusOutside(e.currentTarget, e.shiftKey);
      return;
    }
    const focused = api.getFocusedCell();
    const inBody = !!target.closest('.ag-cell');
    if (e.key === 'Enter' && inBody && focused) {
      const node = api.getDisplayedRowAtIndex(focused.rowIndex);
      if (node?.data) {
        e.preventDefault();
        e.stopPropagation();
        open(node.data);
      }
      return;
    }
    if (e.key === 'Escape' && (inBody || target.closest('.ag-header'))) {
      e.preventDefault();
      e.stopPropagation();
      if (focused) lastCell = { rowIndex: focused.rowIndex, colId: focused.column.getColId() };
      api.clearFocusedCell();
      e.currentTarget.focus();
    }
  };

  /** Entering the grid from outside lands on a cell (the last one focused), not the first header. */
  const onFocusCapture = (e: ReactFocusEvent<HTMLElement>) => {
    const api = getApi();
    if (!api) return;
    const from = e.relatedTarget as Node | null;
    const target = e.target as HTMLElement;
    const container = e.currentTarget;
    // The grid's tab guards hand focus on to its header; arriving through one is arriving from outside.
    const fromInside = from instanceof HTMLElement && container.contains(from) && !from.classList.contains('ag-tab-guard');
    if (fromInside || target === container || target.closest('.ag-cell') || inPopup(target)) return;
    if (api.getDisplayedRowCount() === 0) return; // an empty grid: the header (filters) is the place to be
    const focused = api.getFocusedCell();
    const colId = lastCell?.colId ?? focused?.column.getColId() ?? api.getAllDisplayedColumns()[0]?.getColId();
    const rowIndex = Math.min(lastCell?.rowIndex ?? focused?.rowIndex ?? 0, api.getDisplayedRowCount() - 1);
    if (colId == null) return;
    // After the grid's own focus handling (its tab guard moves focus to the header), land on the cell.
    setTimeout(() => {
      if (api.isDestroyed()) return;
      api.ensureIndexVisible(rowIndex);
      api.setFocusedCell(rowIndex, colId);
    }, 0);
  };

  const remember = () => {
    const f = getApi()?.getFocusedCell();
    if (f) lastCell = { rowIndex: f.rowIndex, colId: f.column.getColId() };
  };

  return { onKeyDownCapture, onFocusCapture, remember };
}
