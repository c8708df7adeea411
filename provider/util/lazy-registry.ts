/** Plugins by type name, each loaded the first time it is asked for. */
export interface Registry<T> {
  readonly types: readonly string[];
  get(type: string): Promise<T | undefined>;
}

/**
 * A registry whose entries are loaded on first use. Cloud builders pull in SDKs that take hundreds of
 * milliseconds to load; a `null` build or `kiln validate` should not pay for them.
 */
export function lazyRegistry<T>(loaders: Readonly<Record<string, () => T | Promise<T>>>): Registry<T> {
  const loaded = new Map<string, Promise<T>>();
  return {
    types: Object.keys(loaders),
    get(type) {
      if (!Object.hasOwn(loaders, type)) return Promise.resolve(undefined);
      let plugin = loaded.get(type);
      if (!plugin) {
        plugin = Promise.resolve((loaders[type] as () => T | Promise<T>)());
        loaded.set(type, plugin);
      }
      return plugin;
    },
  };
}
