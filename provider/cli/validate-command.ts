import { loadTemplate, prepareAll } from "../kiln";
import { reportError } from "./exit";
import { loadOptionsFrom, type TemplateCliOptions } from "./template-options";

/** `kiln validate`: loads the template and checks every block against the plugins, running nothing. */
export async function runValidateCommand(template: string, opts: TemplateCliOptions): Promise<number> {
  try {
    const options = loadOptionsFrom(opts);
    const loaded = await loadTemplate(template, options);
    await prepareAll(loaded.builds, options);
    process.stdout.write("The configuration is valid.\n");
    return 0;
  } catch (error) {
    return reportError(error, (t) => process.stderr.write(t));
  }
}
