import type { CommunicatorConfig } from "../communicator/config";
import type { BuilderRun } from "./context";
import { KilnError } from "./errors";
import type { Step } from "./step";

/**
 * Opens the communicator to the machine the builder started (or `ssh_host`), and exposes Packer's
 * connection data (`build.Host`, `build.Port`, `build.User`…) to later steps. Its cleanup closes it.
 */
export function connectStep(): Step<BuilderRun<CommunicatorConfig, unknown>> {
  return {
    name: "connect",
    async run({ ctx, config }, signal) {
      if (config.communicator === "none") {
        ctx.reporter.info("communicator = none: provisioners that need the machine cannot run");
        return;
      }
      const target = ctx.machine ?? (config.ssh_host ? { host: config.ssh_host } : undefined);
      if (!target) {
        throw new KilnError(
          "MACHINE_UNREACHABLE",
          "the builder did not report a machine address and ssh_host is not set",
          {
            context: { property: "ssh_host" },
          },
        );
      }
      const host = config.ssh_host ?? target.host;
      const port = config.ssh_port ?? target.port ?? 22;
      ctx.reporter.info(`Connecting with SSH to ${config.ssh_username ?? "?"}@${host}:${port}`);
      // Loaded here, not at start-up: ssh2 and its crypto cost a tenth of a second that `validate` never needs.
      const { connectSsh } = await import("../communicator/ssh");
      ctx.communicator = await connectSsh(config, target, {
        signal,
        baseDir: ctx.baseDir,
        log: (text) => ctx.reporter.info(text),
        session: ctx.sshSession,
      });
      Object.assign(ctx.generated, {
        Host: host,
        Port: String(port),
        User: config.ssh_username ?? "",
        ConnType: "ssh",
        // Packer always defines build.Password: empty when the connection uses a key.
        Password: config.ssh_password ?? "",
        ...(target.id ? { ID: target.id } : {}),
      });
    },
    async cleanup({ ctx }) {
      const communicator = ctx.communicator;
      ctx.communicator = undefined;
      await communicator?.close();
    },
  };
}
