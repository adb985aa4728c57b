/**
 * An error's message as the command line prints it, on one line, with what to do in the command
 * line's words. Every nsnet error carries what to do in both wordings (kernel/errors.ts Hint: the
 * library's calls, `lab.down()`, and the command line's commands, `nsnet down --lab NAME`);
 * here the CLI asks for its own through messageFor('cli'). Duck-typed, so that main.ts need not
 * load the library to print an error.
 */

/** The one method of a library error this file reads. */
interface Worded {
  messageFor?: (caller: 'cli') => string;
}

function wordsFor(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const w = e as Error & Worded;
  return typeof w.messageFor === 'function' ? w.messageFor('cli') : e.message;
}

/** The message of `e` as the command line prints it: one line, what to do in nsnet's commands. */
export function cliMessage(e: unknown): string {
  return wordsFor(e).replace(/\s*\n\s*/gu, ' ').trim();
}
