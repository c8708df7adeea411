import { KilnError, notFound } from "../../engine/errors";
import { deleteIfPresent, isNotFound, normalizeLocation } from "./arm";
import { placementOf } from "./choices";
import { type AzureTypedStep, goesWithGroup } from "./state";

/**
 * The group the build machine lives in: a temporary one in `location` (deleted whole in cleanup, with
 * anything left in it), or the existing `build_resource_group_name`, whose location the build takes.
 */
export const resourceGroupStep: AzureTypedStep<never, "group" | "location"> = {
  name: "azure-arm: resource group",
  needs: [],
  provides: ["group", "location"],
  async run({ ctx, config, state }, signal) {
    const groups = state.clients.resources.resourceGroups;
    const placement = placementOf(config);
    if (placement.kind === "existing-group") {
      const name = placement.group;
      state.group = { name, temporary: false, attempted: false };
      try {
        const group = await groups.get(name, { abortSignal: signal });
        state.location = normalizeLocation(group.location);
      } catch (error) {
        if (isNotFound(error)) {
          throw notFound(`build_resource_group_name: resource group '${name}' does not exist`, {
            property: "build_resource_group_name",
          });
        }
        throw error;
      }
      ctx.reporter.info(`building in resource group ${name} (${state.location})`);
      return;
    }
    const name = state.names.group;
    state.location = normalizeLocation(placement.location);
    state.group = { name, temporary: true, attempted: false };
    if ((await groups.checkExistence(name, { abortSignal: signal })).body) {
      // Someone else's group by that name: never ours to delete.
      state.group = undefined;
      throw new KilnError(
        "RESOURCE_EXISTS",
        `resource group '${name}' already exists; choose another temp_resource_group_name`,
        {
          context: { property: "temp_resource_group_name", resource: name },
        },
      );
    }
    state.group.attempted = true;
    await groups.createOrUpdate(name, { location: state.location, tags: state.tags }, { abortSignal: signal });
    ctx.reporter.info(`created temporary resource group ${name} in ${state.location}`);
  },
  async cleanup({ ctx, state }) {
    const group = state.group;
    if (!group?.attempted || !goesWithGroup(state)) return;
    await deleteIfPresent(state.clients, `resource group ${group.name}`, (o) =>
      state.clients.resources.resourceGroups.delete(group.name, o),
    );
    state.group = undefined;
    ctx.reporter.info(`deleted temporary resource group ${group.name} and everything in it`);
  },
};
