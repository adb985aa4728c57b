/**
 * Errors about one lab. Their messages say what to do in the library's words (`lab.down()`);
 * `lab` and the stable `code` let a caller say it in its own (the command line: src/cli/message.ts).
 */
import { NsnetError } from '../api/errors.js';

export class LabError extends NsnetError {
  constructor(code: string, readonly lab: string, message: string, hint?: string) {
    super(code, message, `lab ${lab}`, hint);
  }
}
