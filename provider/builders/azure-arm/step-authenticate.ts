import { KilnError, operationFailed } from "../../engine/errors";
import type { AzureTypedStep } from "./state";

const ARM_SCOPE = "https://management.azure.com/.default";

/**
 * Gets a token for Resource Manager before anything is created, so bad credentials fail first and say
 * which credential was tried. The clients reuse the credential's cached token.
 */
export const authenticateStep: AzureTypedStep = {
  name: "azure-arm: authenticate",
  needs: [],
  provides: [],
  async run({ ctx, state }, signal) {
    const { credential, subscriptionId } = state.clients;
    try {
      const token = await credential.getToken(ARM_SCOPE, { abortSignal: signal });
      if (!token) throw new KilnError("AZURE_AUTH_FAILED", "the credential returned no token");
    } catch (error) {
      if (signal.aborted) throw error;
      throw operationFailed("AZURE_AUTH_FAILED", `authenticating with ${credential.name}`, error);
    }
    ctx.reporter.info(`authenticated (${credential.name}); subscription ${subscriptionId}`);
  },
};
