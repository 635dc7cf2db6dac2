/** Finds which operation of the spec a request is, from its method and URL path. */
export interface Route {
  operationId: string;
  method: string;
  template: string;
}

type OperationsMap = Readonly<Record<string, { readonly method: string; readonly path: string }>>;

export function createRouter(operations: OperationsMap) {
  const routes = Object.entries(operations).map(([operationId, operation]) => {
    const pattern = operation.path
      .split('/')
      .map((segment) =>
        /^\{.+\}$/.test(segment) ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
      )
      .join('/');
    // Concrete segments beat templated ones (OpenAPI path matching), so try them first.
    const templated = (operation.path.match(/\{/g) ?? []).length;
    return {
      operationId,
      method: operation.method.toUpperCase(),
      template: operation.path,
      templated,
      regex: new RegExp(`${pattern}$`),
    };
  });
  routes.sort((a, b) => a.templated - b.templated);
  // Requests repeat the same few paths; remember recent answers (bounded: paths carry ids).
  const cache = new Map<string, Route | undefined>();
  return (method: string, pathname: string): Route | undefined => {
    const key = `${method} ${pathname}`;
    if (cache.has(key)) {
      return cache.get(key);
    }
    const found = routes.find(
      (route) => route.method === method.toUpperCase() && route.regex.test(pathname),
    );
    const route = found && {
      operationId: found.operationId,
      method: found.method,
      template: found.template,
    };
    if (cache.size >= 512) {
      cache.clear();
    }
    cache.set(key, route);
    return route;
  };
}
