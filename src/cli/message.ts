/**
 * An error's message as the command line prints it, on one line, with what to do in the command
 * line's words. The library words its errors in library calls (`lab.down()`); here the CLI words
 * them in its commands (`nsnet down --lab NAME`):
 * - by code, for the lab errors that carry their lab (CLI_NEXT below);
 * - an ApplyError (a refusal halfway through up) as its step, its cause in these words, and the way on;
 * - the api's and kernel's errors through NsnetError.messageFor('cli') (their hints come in both wordings).
 * Duck-typed, so that main.ts need not load the library to print an error.
 */
import { count } from './count.js';

/** The fields of a library error this file reads. */
interface Worded {
  code?: unknown;
  detail?: unknown;
  lab?: unknown;
  name?: unknown;
  messageFor?: (caller: 'cli') => string;
}

/** What to do next, in the command line's words, by error code (the library's words are in its message). */
const CLI_NEXT: Readonly<Record<string, (lab: string) => string>> = {
  BAD_RECORD: (lab) => `move it away; nsnet down --lab ${lab} still finds the lab's objects by their marks`,
  NO_LAB: () => 'list labs with nsnet labs',
  DOWN_STUCK: (lab) => `a process may hold one of its namespaces open; see nsnet labs, then run nsnet down --lab ${lab} again`,
  LINK_STUCK: () => 'a process may hold that namespace open; run nsnet up again once it is gone',
};

/** An ApplyError: the step that failed, the kernel's refusal in these words, and the way on. */
function applyMessage(e: { step: string; done: number; cause: unknown }): string {
  return `${e.step}: ${wordsFor(e.cause)}; ${count(e.done, 'action')} done before it; fix the cause and run nsnet up again to finish, or nsnet down to remove what was made`;
}

function wordsFor(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const w = e as Error & Worded & { step?: unknown; done?: unknown; cause?: unknown };
  if (w.name === 'ApplyError' && typeof w.step === 'string' && typeof w.done === 'number') return applyMessage({ step: w.step, done: w.done, cause: w.cause });
  const next = typeof w.code === 'string' ? CLI_NEXT[w.code] : undefined;
  if (next && typeof w.detail === 'string') return `${w.detail}; ${next(typeof w.lab === 'string' ? w.lab : 'NAME')}`;
  return typeof w.messageFor === 'function' ? w.messageFor('cli') : e.message;
}

/** The message of `e` as the command line prints it: one line, what to do in nsnet's commands. */
export function cliMessage(e: unknown): string {
  return wordsFor(e).replace(/\s*\n\s*/gu, ' ').trim();
}
