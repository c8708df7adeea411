import { describe, expect, it } from "vitest";
import { deferredBuildData } from "../../provider/template/build-data";
import { goTimeFormat, strftime } from "../../provider/template/expr/functions/time-go";
import {
  cleanResourceName,
  type GoTemplateContext,
  GoTemplateError,
  renderGoTemplate,
} from "../../provider/template/gotemplate/render";

// 2021-03-04T05:06:07.089Z, a Thursday: every field differs from the layout's reference values.
const instant = new Date(Date.UTC(2021, 2, 4, 5, 6, 7, 89));
const ctx: GoTemplateContext = {
  initTime: instant,
  userVariables: { region: "eu-west-1", name: "My Image!" },
  buildName: "web",
  buildType: "amazon-ebs",
  templateDir: "/tpl",
  packerVersion: "1.6.6",
};

describe("Go time layouts", () => {
  it.each([
    ["2006-01-02", "2021-03-04"],
    ["2006-01-02T15:04:05Z07:00", "2021-03-04T05:06:07Z"],
    ["20060102150405", "20210304050607"],
    ["Jan _2 3:4:5 PM MST", "Mar  4 5:6:7 AM UTC"],
    ["Monday January 2 06", "Thursday March 4 21"],
    ["15.04.05.000 -0700 -07:00", "05.06.07.089 +0000 +00:00"],
    ["05.999|05.9|002", "07.089|07|063"],
    ["version 1.2", "version 3.4"],
  ])("formats %s", (layout, expected) => {
    expect(goTimeFormat(layout, instant)).toBe(expected);
  });

  it("formats strftime specifiers", () => {
    expect(strftime("%Y%m%d-%H%M%S %% %b %j", instant)).toBe("20210304-050607 % Mar 063");
  });
});

describe("legacy interpolation", () => {
  it.each([
    ["ami-{{timestamp}}", `ami-${Math.floor(instant.getTime() / 1000)}`],
    ['{{isotime "2006-01-02"}}', "2021-03-04"],
    ["{{isotime}}", "2021-03-04T05:06:07Z"],
    ['{{user `region`}}/{{ user "region" }}', "eu-west-1/eu-west-1"],
    ["{{build_name}}-{{build_type}}", "web-amazon-ebs"],
    ["{{template_dir}}/x", "/tpl/x"],
    ["{{ user `name` | clean_resource_name }}", "My Image-"],
    ["{{clean_resource_name (user `name`)}}", "My Image-"],
    ['{{ upper "ab" }}{{lower "CD"}}', "ABcd"],
    ['{{ replace "a" "b" 1 "aaa" }} {{ replace_all "a" "b" "aaa" }}', "baa bbb"],
    ['{{ split "a-b-c" "-" 1 }}', "b"],
    ['{{"{{"}} literal }}', "{{ literal }}"],
    ["a {{- /* comment */ -}} b", "ab"],
    ["{{ packer_version }}", "1.6.6"],
  ])("renders %s", (text, expected) => {
    expect(renderGoTemplate(text, ctx)).toBe(expected);
  });

  it("keeps actions on plugin data for the plugin", () => {
    const text = "chmod +x {{ .Path }}; {{.Vars}} {{ .Path }} {{if .Sudo}}sudo{{end}}";
    expect(renderGoTemplate(text, ctx)).toBe(text);
  });

  it("renders {{build `Host`}} as deferred build data", () => {
    expect(renderGoTemplate("ssh {{build `Host`}}", ctx)).toBe(`ssh ${deferredBuildData("Host")}`);
  });

  it("gives a fresh uuid per call", () => {
    const [a, b] = renderGoTemplate("{{uuid}} {{uuid}}", ctx).split(" ");
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
    expect(a).not.toBe(b);
  });

  it.each([
    ["{{ nosuch }}", /function "nosuch" is not defined/, 3],
    ["ab {{ user `missing` }}", /user variable "missing" is not declared/, 6],
    ["{{ env `HOME` }}", /env is only allowed in the variables section/, 3],
    ["{{ timestamp", /unclosed action/, 0],
    ["{{ upper }}", /wrong number of args for upper: want 1 got 0/, 3],
    ["{{ sed `s/a/b/` `x` }}", /deprecated/, 3],
  ])("rejects %s", (text, message, offset) => {
    let error: unknown;
    try {
      renderGoTemplate(text, ctx);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GoTemplateError);
    expect((error as GoTemplateError).message).toMatch(message);
    expect((error as GoTemplateError).offset).toBe(offset);
  });

  it("allows env only where the context enables it", () => {
    expect(renderGoTemplate("{{env `KILN_T`}}", { ...ctx, env: { KILN_T: "x" } })).toBe("x");
  });

  it("tells HCL2 users to use var.", () => {
    expect(() => renderGoTemplate("{{user `a`}}", { ...ctx, userVariables: undefined })).toThrow(/use var\.a/);
  });

  it("cleans names like the amazon plugin", () => {
    expect(cleanResourceName("a:b(c)[d] e.f/g-h'i@j_k*é")).toBe("a-b(c)[d] e.f/g-h'i@j_k---");
  });
});
