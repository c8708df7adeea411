/**
 * A reader that goes away (`kiln build … | head`) must not end a build halfway: Node's unhandled EPIPE
 * would exit without the steps' cleanup and leave the machine running. What is written after the reader
 * left is dropped; the build, its cleanup and its exit status go on as before.
 */
export function dropOutputWhenReaderLeaves(streams: readonly NodeJS.WriteStream[] = [process.stdout, process.stderr]) {
  for (const stream of streams) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error;
    });
  }
}
