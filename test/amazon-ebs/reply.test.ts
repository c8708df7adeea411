import { describe, expect, it } from "vitest";
import { AwsReplyError, MissingStateError, needs, replyField } from "../../provider/builders/amazon-ebs/reply";
import { KilnError } from "../../provider/engine/errors";

describe("replyField and needs", () => {
  it("return a present field", () => {
    expect(replyField({ ImageId: "ami-1" }, "ImageId", "CreateImage")).toBe("ami-1");
    expect(needs({ instanceId: "i-1" }, "instanceId", "amazon-ebs: stop instance")).toBe("i-1");
  });

  it("throw a KilnError naming the API call and the field when the reply lacks it", () => {
    const reply: { ImageId?: string } = {};
    const error = (() => {
      try {
        replyField(reply, "ImageId", "CreateImage");
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(AwsReplyError);
    expect(error).toBeInstanceOf(KilnError);
    expect(error).toMatchObject({ code: "AWS_REPLY_INCOMPLETE", call: "CreateImage", field: "ImageId" });
    expect(() => replyField<{ GroupId?: string }, "GroupId">(undefined, "GroupId", "CreateSecurityGroup")).toThrow(
      "CreateSecurityGroup replied without GroupId",
    );
  });

  it("name the step and the missing input when a step runs out of order", () => {
    const state: { instanceId?: string } = {};
    expect(() => needs(state, "instanceId", "amazon-ebs: create AMI")).toThrow(MissingStateError);
    expect(() => needs(state, "instanceId", "amazon-ebs: create AMI")).toThrow(/create AMI needs instanceId/);
  });
});
