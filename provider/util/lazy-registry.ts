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

/** A descriptor's static parts joined to the runtime its `load()` brings: what the engine runs. */
export type Loaded<D extends { load(): Promise<object> }> = Omit<D, "load"> & Awaited<ReturnType<D["load"]>>;

/** A registry of descriptors whose runtimes are loaded on first use, each joined to its descriptor. */
export function descriptorRegistry<D extends { load(): Promise<object> }>(
  descriptors: Readonly<Record<string, D>>,
): Registry<Loaded<D>> {
  return lazyRegistry<Loaded<D>>(
    Object.fromEntries(
      Object.entries(descriptors).map(([type, { load, ...rest }]) => [
        type,
        async (): Promise<Loaded<D>> => {
          // TS widens a destructured generic method's result to its constraint; `load` is D's own.
          const runtime = (await load()) as Awaited<ReturnType<D["load"]>>;
          return { ...rest, ...runtime };
        },
      ]),
    ),
  );
}
