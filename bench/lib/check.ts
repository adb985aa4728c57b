/** A failed check of the benchmark (a wrong build, a failed command): the run reports it and exits 1. */
export class CheckError extends Error {
  override name = 'CheckError';
}
