export const INLINE_BUILDERS = { amazonEbs: "amazon-ebs" } as const;
export type InlineBuilderKey = keyof typeof INLINE_BUILDERS;
