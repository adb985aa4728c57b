/**
 * Errors about one lab. Each code carries what to do in both wordings (LAB_HINTS, the one place
 * they are written): the library's calls (`lab.down()`) in `message`, the command line's
 * commands (`nsnet down --lab NAME`) through messageFor('cli').
 */
import { NsnetError, type Hint } from '../api/errors.js';

/** Whether the lab was going up or down when the error came. */
export type During = 'up' | 'down';

/** What to do about each lab error, in the library's and the command line's words. */
export const LAB_HINTS = {
  BAD_RECORD: (lab: string): Hint => ({
    lib: "move it away; lab.down() still finds the lab's objects by their marks",
    cli: `move it away; nsnet down --lab ${lab} still finds the lab's objects by their marks`,
  }),
  NO_LAB: (): Hint => ({
    lib: 'build it first with Lab.load(file).up() (or Lab.from(topology).up())',
    cli: 'list labs with nsnet labs',
  }),
  DOWN_STUCK: (lab: string): Hint => ({
    lib: `a process may hold one of its namespaces open; stop it, then call Lab.byName('${lab}').down() again`,
    cli: `a process may hold one of its namespaces open; stop it, then run nsnet down --lab ${lab} again`,
  }),
  LINK_STUCK: (lab: string, during: During): Hint => during === 'up'
    ? { lib: 'a process may hold that namespace open; call lab.up() again once it is gone', cli: 'a process may hold that namespace open; run nsnet up again once it is gone' }
    : {
      lib: `a process may hold that namespace open; call Lab.byName('${lab}').down() again once it is gone`,
      cli: `a process may hold that namespace open; run nsnet down --lab ${lab} again once it is gone`,
    },
} satisfies Record<string, (lab: string, during: During) => Hint>;

export type LabCode = keyof typeof LAB_HINTS;

export class LabError extends NsnetError {
  constructor(code: LabCode, readonly lab: string, message: string, opts: { object?: string; during?: During } = {}) {
    super(code, message, opts.object ?? `lab ${lab}`, LAB_HINTS[code](lab, opts.during ?? 'up'));
  }
}
