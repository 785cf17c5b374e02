import assert from 'node:assert/strict';

/**
 * Asserts that promise rejects with a Cognito service error answered with
 * HTTP 400: the given name, exact message (a string) or message pattern (a
 * RegExp), and, when type is given, an instance of that SDK error class.
 * Returns the error.
 */
export async function rejectsWith(promise, { name, message, type }) {
  let error;
  await assert.rejects(promise, (err) => {
    error = err;
    return true;
  });
  assert.equal(error.name, name, `error name (message: ${error.message})`);
  if (message instanceof RegExp) assert.match(error.message, message);
  else assert.equal(error.message, message);
  if (type) assert.ok(error instanceof type, `${error.constructor.name} is not an instance of ${type.name}`);
  assert.equal(error.$fault, 'client');
  assert.equal(error.$metadata?.httpStatusCode, 400);
  assert.ok(error.$metadata.requestId, 'error has no request id');
  return error;
}

/** Asserts that date is a Date within the last minute (and not in the future by more than a second). */
export function assertRecent(date, what = 'date') {
  assert.ok(date instanceof Date, `${what} is ${typeof date}, not a Date`);
  const age = Date.now() - date.getTime();
  assert.ok(age >= -1000 && age < 60_000, `${what} ${date.toISOString()} is not close to now`);
}
