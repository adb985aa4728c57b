/**
 * An error's message as the command line prints it: on one line, with the hint in the command
 * line's words (NsnetError.messageFor('cli'): `nsnet route show`, not `route.list()`). Duck-typed,
 * so that main.ts need not load the library to print an error.
 */
export function cliMessage(e: unknown): string {
  const withHint = e as { messageFor?: (caller: 'cli') => string };
  const m = e instanceof Error ? (typeof withHint.messageFor === 'function' ? withHint.messageFor('cli') : e.message) : String(e);
  return m.replace(/\s*\n\s*/gu, ' ').trim();
}
