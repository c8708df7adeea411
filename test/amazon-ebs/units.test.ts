import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { artifactId, parseDetails } from "../../provider/builders/amazon-ebs/artifact";
import { toBlockDeviceMappings } from "../../provider/builders/amazon-ebs/block-devices";
import { checkEbsConfig, ebsSchemas } from "../../provider/builders/amazon-ebs/config";
import { metadataOptions } from "../../provider/builders/amazon-ebs/launch-spec";
import { pollSettings, waiterTiming } from "../../provider/builders/amazon-ebs/polling";
import { publicSourceCidr } from "../../provider/builders/amazon-ebs/public-ip";
import { pickSubnet } from "../../provider/builders/amazon-ebs/step-network";
import { addressOf } from "../../provider/builders/amazon-ebs/step-run-instance";

const minimal = {
  region: "us-east-1",
  source_ami: "ami-0123456789abcdef0",
  instance_type: "t3.micro",
  ami_name: "web {{timestamp}}".replace("{{timestamp}}", "1700000000"),
  ssh_username: "ubuntu",
};

const parse = (extra: Record<string, unknown> = {}) => ebsSchemas().ebsSchema.parse({ ...minimal, ...extra });
const problems = (extra: Record<string, unknown> = {}) =>
  checkEbsConfig(parse(extra)).map((p) => `${p.field}: ${p.message}`);

describe("amazon-ebs config", () => {
  it("accepts Packer's field names, nested blocks as lists, and documents Kiln's safer defaults", () => {
    const c = parse({
      source_ami: undefined,
      source_ami_filter: [
        { filters: { name: "ubuntu/*", "root-device-type": "ebs" }, owners: ["099720109477"], most_recent: true },
      ],
      metadata_options: [{ http_tokens: "optional" }],
      aws_polling: [{ delay_seconds: 5, max_attempts: 10 }],
      launch_block_device_mappings: [
        { device_name: "/dev/sda1", volume_size: 20, volume_type: "gp3", delete_on_termination: true },
      ],
    });
    expect(c.source_ami_filter?.owners).toEqual(["099720109477"]);
    expect(c.metadata_options?.http_tokens).toBe("optional");
    expect(c.aws_polling).toEqual({ delay_seconds: 5, max_attempts: 10 });
    expect(metadataOptions(parse())).toEqual({
      HttpEndpoint: "enabled",
      HttpTokens: "required",
      HttpPutResponseHopLimit: 1,
      InstanceMetadataTags: "disabled",
    });
    expect(problems()).toEqual([]);
  });

  it("rejects unknown fields and malformed values with the field's name", () => {
    expect(() => parse({ ami_nmae: "x" })).toThrow(/ami_nmae/);
    expect(() => parse({ ami_name: "a" })).toThrow(/ami_name/);
    expect(() => parse({ ami_name: "bad*name" })).toThrow(/may contain only/);
    expect(() => parse({ temporary_security_group_source_cidrs: ["10.0.0.1"] })).toThrow(
      /temporary_security_group_source_cidrs/,
    );
    expect(() => parse({ ami_users: ["123"] })).toThrow(/12-digit/);
    expect(() => parse({ spot_price: "cheap" })).toThrow(/spot_price/);
    expect(() => parse({ source_ami_filter: { filters: { name: "x" } } })).toThrow(/owners/);
    expect(() => parse({ ssh_interface: "session_manager" })).toThrow(/ssh_interface/);
  });

  it("checks fields that only make sense together", () => {
    expect(problems({ source_ami: undefined })).toContain("source_ami: is required (or set source_ami_filter)");
    expect(problems({ user_data: "x", user_data_file: "f" })).toContain(
      "user_data_file: cannot be set together with user_data",
    );
    expect(problems({ security_group_id: "sg-1", security_group_ids: ["sg-2"] })).toHaveLength(1);
    expect(problems({ security_group_id: "sg-1", temporary_security_group_source_cidrs: ["10.0.0.0/8"] })[0]).toMatch(
      /^temporary_security_group_source_cidrs:/,
    );
    expect(problems({ vpc_id: "vpc-1" })).toContain("vpc_id: requires subnet_id or subnet_filter");
    expect(problems({ kms_key_id: "k" })).toContain("kms_key_id: requires encrypt_boot = true");
    expect(problems({ ssh_username: undefined })).toContain("ssh_username: is required");
    expect(problems({ ssh_username: undefined, communicator: "none" })).toEqual([]);
    expect(problems({ access_key: "AKIA" })).toContain("secret_key: is required with access_key");
    expect(problems({ spot_instance_types: ["t3.micro"] })).toEqual(
      expect.arrayContaining(["spot_instance_types: requires spot_price"]),
    );
    expect(problems({ region_kms_key_ids: { "eu-west-1": "k" } })).toEqual([
      "region_kms_key_ids: requires encrypt_boot = true",
      "region_kms_key_ids.eu-west-1: names a region not in ami_regions",
    ]);
  });

  it("maps block devices, keeping volumes only when asked (Packer's default)", () => {
    expect(
      toBlockDeviceMappings([
        { device_name: "/dev/sdb", volume_size: 8 },
        { device_name: "/dev/sdc", no_device: true },
      ]),
    ).toEqual([
      { DeviceName: "/dev/sdb", Ebs: expect.objectContaining({ DeleteOnTermination: false, VolumeSize: 8 }) },
      { DeviceName: "/dev/sdc", NoDevice: "" },
    ]);
    expect(toBlockDeviceMappings(undefined)).toBeUndefined();
  });
});

describe("amazon-ebs polling", () => {
  it("takes aws_polling over AWS_POLL_DELAY_SECONDS / AWS_MAX_ATTEMPTS, and ignores junk", () => {
    const env = { AWS_POLL_DELAY_SECONDS: "7", AWS_MAX_ATTEMPTS: "9" };
    expect(pollSettings(undefined, env)).toEqual({ delaySeconds: 7, maxAttempts: 9 });
    expect(pollSettings({ delay_seconds: 3 }, env)).toEqual({ delaySeconds: 3, maxAttempts: 9 });
    expect(pollSettings(undefined, { AWS_POLL_DELAY_SECONDS: "soon" })).toEqual({});
  });

  it("starts at 1 s and backs off by default; a configured delay is fixed and bounds the total", () => {
    const kind = { timeoutSeconds: 600, maxDelaySeconds: 15 };
    expect(waiterTiming({}, kind)).toEqual({ minDelay: 1, maxDelay: 15, limitSeconds: 600 });
    // Polls at 0, 5, 10, 15 s; the limit falls between the 4th and the 5th.
    expect(waiterTiming({ delaySeconds: 5, maxAttempts: 4 }, kind)).toEqual({
      minDelay: 5,
      maxDelay: 5,
      limitSeconds: 17.5,
    });
    expect(waiterTiming({ delaySeconds: 30 }, kind)).toEqual({ minDelay: 30, maxDelay: 30, limitSeconds: 585 });
    // Backoff 1, 2, 4 s between 4 polls at most.
    expect(waiterTiming({ maxAttempts: 4 }, kind)).toEqual({ minDelay: 1, maxDelay: 15, limitSeconds: 7.5 });
  });
});

describe("amazon-ebs choices", () => {
  const instance = {
    PublicIpAddress: "54.1.2.3",
    PrivateIpAddress: "10.0.0.5",
    PublicDnsName: "ec2-54.example",
    PrivateDnsName: "ip-10.internal",
  };

  it("connects to ssh_interface's address, else the public IP, else the private IP", () => {
    expect(addressOf(instance, undefined)).toBe("54.1.2.3");
    expect(addressOf({ ...instance, PublicIpAddress: "" }, undefined)).toBe("10.0.0.5");
    expect(addressOf(instance, "private_dns")).toBe("ip-10.internal");
    expect(addressOf({ PrivateIpAddress: "10.0.0.5" }, "public_ip")).toBeUndefined();
  });

  it("picks one subnet: the only match, the freest, a random one, or fails listing them", () => {
    const subnets = [
      { SubnetId: "subnet-a", AvailableIpAddressCount: 5 },
      { SubnetId: "subnet-b", AvailableIpAddressCount: 50 },
    ];
    expect(pickSubnet(subnets.slice(0, 1), {})?.SubnetId).toBe("subnet-a");
    expect(pickSubnet(subnets, { most_free: true })?.SubnetId).toBe("subnet-b");
    expect(pickSubnet(subnets, { random: true }, () => 0.1)?.SubnetId).toBe("subnet-a");
    expect(() => pickSubnet(subnets, {})).toThrow(
      /2 subnets match subnet_filter \(subnet-a, subnet-b\); set most_free or random/,
    );
  });

  it("writes Packer's artifact ID, sorted by region, and reads it back without details", () => {
    expect(artifactId({ "us-west-2": "ami-2", "eu-west-1": "ami-1" })).toBe("eu-west-1:ami-1,us-west-2:ami-2");
    const details = parseDetails({
      buildName: "b",
      builderType: "amazon-ebs",
      id: "eu-west-1:ami-1,us-west-2:ami-2",
      files: [],
      details: {},
    });
    expect(details.amis).toEqual({ "eu-west-1": "ami-1", "us-west-2": "ami-2" });
  });
});

describe("public address lookup for the temporary security group", () => {
  async function serve(body: string, status = 200): Promise<{ url: string; server: Server }> {
    const server = createServer((_req, res) => {
      res.writeHead(status);
      res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
  }

  it("turns the answer into a /32 (or /128)", async () => {
    const v4 = await serve("198.51.100.4\n");
    const v6 = await serve("2001:db8::1");
    try {
      expect(await publicSourceCidr(22, new AbortController().signal, v4.url)).toBe("198.51.100.4/32");
      expect(await publicSourceCidr(22, new AbortController().signal, v6.url)).toBe("2001:db8::1/128");
    } finally {
      v4.server.close();
      v6.server.close();
    }
  });

  it("fails naming the field to set, never falling back to 0.0.0.0/0", async () => {
    const junk = await serve("<html>captive portal</html>");
    const broken = await serve("oops", 503);
    try {
      await expect(publicSourceCidr(2222, new AbortController().signal, "http://127.0.0.1:9/")).rejects.toThrow(
        /could not look up this machine's public IP address at http:\/\/127\.0\.0\.1:9\/.*set temporary_security_group_source_cidrs to the CIDR blocks that may reach port 2222/,
      );
      await expect(publicSourceCidr(22, new AbortController().signal, junk.url)).rejects.toThrow(
        /not an IP address; set temporary_security_group_source_cidrs/,
      );
      await expect(publicSourceCidr(22, new AbortController().signal, broken.url)).rejects.toThrow(/HTTP 503/);
    } finally {
      junk.server.close();
      broken.server.close();
    }
  });
});
