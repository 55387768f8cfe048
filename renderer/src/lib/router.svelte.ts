// A small hash router: the app's pages are addressable (#/runs/<id>) so the browser's
// back button, reloads and links between pages work the same in Electron and browser mode.

export type Route =
  | { page: 'new' }
  | { page: 'runs' }
  | { page: 'run'; runId: string }
  | { page: 'compare'; runIds: string[] }
  | { page: 'studies' }
  | { page: 'study'; studyId: string }
  | { page: 'settings' };

export function parseRoute(hash: string): Route {
  const [path, query = ''] = hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean);
  // Parsed once into a plain value; nothing observes it, so no reactive wrapper is needed.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  const params = new URLSearchParams(query);
  switch (parts[0]) {
    case 'runs':
      return parts[1] ? { page: 'run', runId: decodeURIComponent(parts[1]) } : { page: 'runs' };
    case 'compare':
      return { page: 'compare', runIds: (params.get('ids') ?? '').split(',').filter(Boolean) };
    case 'studies':
      return parts[1] ? { page: 'study', studyId: decodeURIComponent(parts[1]) } : { page: 'studies' };
    case 'settings':
      return { page: 'settings' };
    default:
      return { page: 'new' };
  }
}

export function routeHash(route: Route): string {
  switch (route.page) {
    case 'new':
      return '#/new';
    case 'runs':
      return '#/runs';
    case 'run':
      return `#/runs/${encodeURIComponent(route.runId)}`;
    case 'compare':
      return `#/compare?ids=${route.runIds.map(encodeURIComponent).join(',')}`;
    case 'studies':
      return '#/studies';
    case 'study':
      return `#/studies/${encodeURIComponent(route.studyId)}`;
    case 'settings':
      return '#/settings';
  }
}

class Router {
  current = $state<Route>(parseRoute(window.location.hash));

  constructor() {
    window.addEventListener('hashchange', () => {
      this.current = parseRoute(window.location.hash);
    });
  }

  go(route: Route): void {
    window.location.hash = routeHash(route);
  }
}

export const router = new Router();
