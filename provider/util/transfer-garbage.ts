/**
 * A transfer allocates its bytes several times over (read slices, SFTP packets, encrypted SSH packets),
 * each a Buffer: a small object in V8's young generation holding memory outside the heap, freed only when
 * the object is collected. A transfer creates too few objects to fill the young generation, so tens of
 * MiB of dead buffers piled up before V8 collected (a 50 MB upload peaked 45 MiB above its start).
 * Where the process exposed `gc` (the kiln executable does), transfers ask for a young-generation
 * collection, about a millisecond, every MiB; elsewhere (a Pulumi host, tests) this does nothing.
 */
const COLLECT_EVERY = 1024 * 1024;

type Collect = (options: { type: "minor" }) => void;

/** Returns the progress callback of one transfer: call it with the bytes transferred so far. */
export function transferGarbageCollector(): (transferred: number) => void {
  const gc = (globalThis as { gc?: unknown }).gc;
  if (typeof gc !== "function") return () => {};
  let collectedAt = 0;
  return (transferred) => {
    if (transferred - collectedAt < COLLECT_EVERY) return;
    collectedAt = transferred;
    (gc as Collect)({ type: "minor" });
  };
}
