/**
 * Plugins by type name (`K`: the family's union of names), each handed out when asked for (a lazy
 * registry loads it then).
 */
export interface Registry<T, K extends string = string> {
  readonly types: readonly K[];
  get(type: string): Promise<T | undefined>;
}

/**
 * A registry whose entries are loaded on first use. Cloud builders pull in SDKs that take hundreds of
 * milliseconds to load; a `null` build or `kiln validate` should not pay for them.
 */
export function lazyRegistry<T, K extends string = string>(
  loaders: Readonly<Record<K, () => T | Promise<T>>>,
): Registry<T, K> {
  const loaded = new Map<string, Promise<T>>();
  return {
    types: Object.keys(loaders) as K[],
    get(type) {
      if (!Object.hasOwn(loaders, type)) return Promise.resolve(undefined);
      let plugin = loaded.get(type);
      if (!plugin) {
        plugin = Promise.resolve(loaders[type as K]());
        loaded.set(type, plugin);
      }
      return plugin;
    },
  };
}

/** A registry of plugins already at hand (descriptors, whose `load()` stays for when they run). */
export function staticRegistry<T, K extends string = string>(plugins: Readonly<Record<K, T>>): Registry<T, K> {
  return {
    types: Object.keys(plugins) as K[],
    get: (type) => Promise.resolve(Object.hasOwn(plugins, type) ? plugins[type as K] : undefined),
  };
}

/** A descriptor's static parts joined to the runtime its `load()` brings: what the engine runs. */
export type Loaded<D extends { load(): Promise<object> }> = Omit<D, "load"> & Awaited<ReturnType<D["load"]>>;

/** A registry of descriptors whose runtimes are loaded on first use, each joined to its descriptor. */
export function descriptorRegistry<D extends { load(): Promise<object> }, K extends string = string>(
  descriptors: Readonly<Record<K, D>>,
): Registry<Loaded<D>, K> {
  const entries = Object.entries<D>(descriptors).map(([type, descriptor]) => [
    type,
    async (): Promise<Loaded<D>> => {
      // Taken apart here, on first use: copying reads every member, and a descriptor may build one (its
      // config schema) only when read.
      const { load, ...rest } = descriptor;
      // TS widens a destructured generic method's result to its constraint; `load` is D's own.
      const runtime = (await load()) as Awaited<ReturnType<D["load"]>>;
      return { ...rest, ...runtime };
    },
  ]);
  // Object.fromEntries keys by `string`; they are `descriptors`' own keys, K.
  return lazyRegistry<Loaded<D>, K>(Object.fromEntries(entries) as Record<K, () => Promise<Loaded<D>>>);
}
