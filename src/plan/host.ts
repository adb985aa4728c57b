/** Leaf names of the plan layer, importable from anywhere in it without a cycle. */

/** Key of the host namespace in per-namespace maps (no netns name can be empty). */
export const HOST = '';

/** A link's key in the planner's sets: namespace and name. */
export const linkKey = (ns: string, name: string): string => `${ns}\0${name}`;
