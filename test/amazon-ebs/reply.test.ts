import { describe, expect, it } from "vitest";
import { AwsReplyError, replyField } from "../../provider/builders/amazon-ebs/reply";
import { KilnError } from "../../provider/engine/errors";

describe("replyField", () => {
  it("returns a present field", () => {
    expect(replyField({ ImageId: "ami-1" }, "ImageId", "CreateImage")).toBe("ami-1");
  });

  it("throws a KilnError naming the API call and the field when the reply lacks it", () => {
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
});
