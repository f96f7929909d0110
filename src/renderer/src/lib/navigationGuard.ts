/**
 * A screen with unsaved edits registers a guard; every route change (sidebar, search, back button)
 * goes through it. The hash has already changed when `hashchange` fires, so a blocked change is put
 * back without an event and the screen asks the user (save / discard / stay) before going on.
 */
export interface NavigationGuard {
  blocks: () => boolean;
  ask: (proceed: () => void) => void;
}

let current: NavigationGuard | null = null;
let passOnce = false;

export function setNavigationGuard(guard: NavigationGuard | null): () => void {
  current = guard;
  return () => {
    if (current === guard) current = null;
  };
}

/** Called on hashchange: false when the change was held back for the user to decide. */
export function allowHashChange(oldUrl: string, newUrl: string): boolean {
  if (passOnce) {
    passOnce = false;
    return true;
  }
  if (!current?.blocks()) return true;
  history.replaceState(history.state, '', oldUrl);
  const guard = current;
  guard.ask(() => {
    passOnce = true;
    location.href = newUrl;
  });
  return false;
}
