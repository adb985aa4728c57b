/**
 * What a lab's name may be: it ends up in file names (/run/nsnet/labs/NAME.json) and in the
 * marks on the kernel's objects. Alone in this file, with no imports, so that listing the labs
 * (apply/labdir.ts, `nsnet labs`) loads nothing else; topology/names.ts has the other names.
 */
export const LAB_NAME_RE = /^[a-z0-9][a-z0-9_-]{0,23}$/;
