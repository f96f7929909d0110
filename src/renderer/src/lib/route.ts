import { useEffect, useState } from 'react';
import { allowHashChange } from './navigationGuard';

/** Hash routes: `#/enterprises`, `#/enterprises/<id>`, `#/enterprises?status=在孵`. */
export interface Route {
  page: string;
  id?: string;
  params: URLSearchParams;
}

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  const [page = 'overview', id] = path.split('/');
  return { page: page || 'overview', id: id || undefined, params: new URLSearchParams(query) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = (e: HashChangeEvent) => {
      if (allowHashChange(e.oldURL, e.newURL)) setRoute(parseRoute(location.hash));
    };
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export const navigate = (path: string) => {
  location.hash = `#/${path}`;
};
