// One rule for tests that need something this machine may lack (root, a kernel feature, a Debian package, the
// built CLI): locally they report themselves skipped with the reason, so `npm test` works anywhere; where every
// test is required they fail with that reason instead, because there a skip would hide a broken set-up.
//
// Required means: SQLML_REQUIRE_ALL_TESTS=1 (.ci/run sets it). When the variable is absent, CI (any value but
// '', 'false' or '0') means required too, as CI services set it; SQLML_REQUIRE_ALL_TESTS=0 turns it off.
//
// Usage — compute why a test can't run, and pass it through skipReason:
//   const skip = skipReason(accountsSkip());            // at the top of a file
//   test('…', { skip }, async () => { … });              // undefined: runs; a string: skipped with it
//   before(() => { if (skip) return; … });
// or inside a test:  const why = skipReason(probe()); if (why) return t.skip(why);
// When required, skipReason throws instead of returning the reason: at the top of a file the file fails to
// load and is reported as failed with the reason; inside a test, that test fails with it.
//
// Only a missing capability of the machine may go through here. A set-up that fails (a command that errors, a
// fixture that won't build) is a failure everywhere: assert it, don't skip.

/** Whether a skip must be a failure here (see the rule above). */
export function allTestsRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  const required = env.SQLML_REQUIRE_ALL_TESTS;
  if (required !== undefined && required !== '') return required === '1';
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

/** The error a required test fails with. */
export class RequiredTestCannotRun extends Error {
  constructor(reason: string) {
    super(`this test is required here but cannot run: ${reason} (SQLML_REQUIRE_ALL_TESTS=1 or CI is set, so a skip is a failure)`);
    this.name = 'RequiredTestCannotRun';
  }
}

/**
 * undefined when the test can run (reason is undefined or empty); the reason to skip with when it can't and
 * tests are not required; throws RequiredTestCannotRun when it can't and they are.
 */
export function skipReason(reason: string | undefined | null | false, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!reason) return undefined;
  if (allTestsRequired(env)) throw new RequiredTestCannotRun(reason);
  return reason;
}
