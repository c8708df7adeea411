/**
 * A value built on its first use and kept. Plugin config schemas are built this way: constructing zod
 * schemas is a measurable part of every `kiln` start, and a run reads only the schemas of the plugins
 * its template names.
 */
export function lazy<T>(build: () => T): () => T {
  let built: { readonly value: T } | undefined;
  return () => {
    built ??= { value: build() };
    return built.value;
  };
}
