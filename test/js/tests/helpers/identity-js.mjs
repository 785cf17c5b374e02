// Promise wrappers around the callback APIs of amazon-cognito-identity-js.
import assert from 'node:assert/strict';

/** userPool.signUp(username, password, attributes, validationData, cb) as a promise of its result. */
export function signUp(userPool, username, password, attributes = [], validationData = null) {
  return new Promise((resolve, reject) => {
    userPool.signUp(username, password, attributes, validationData, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

/** cognitoUser.confirmRegistration(code, forceAliasCreation, cb); resolves to the callback's result ('SUCCESS'). */
export function confirmRegistration(cognitoUser, code, forceAliasCreation = true) {
  return new Promise((resolve, reject) => {
    cognitoUser.confirmRegistration(code, forceAliasCreation, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

/** cognitoUser.resendConfirmationCode(cb); resolves to the service's answer. */
export function resendConfirmationCode(cognitoUser) {
  return new Promise((resolve, reject) => {
    cognitoUser.resendConfirmationCode((err, result) => (err ? reject(err) : resolve(result)));
  });
}

/**
 * cognitoUser.forgotPassword({ onSuccess, onFailure, inputVerificationCode }):
 * resolves to { callback, data } naming the success callback the library
 * called (with inputVerificationCode only when withInput is true).
 */
export function forgotPassword(cognitoUser, { withInput = true } = {}) {
  return new Promise((resolve, reject) => {
    const callbacks = {
      onSuccess: (data) => resolve({ callback: 'onSuccess', data }),
      onFailure: reject,
    };
    if (withInput) callbacks.inputVerificationCode = (data) => resolve({ callback: 'inputVerificationCode', data });
    cognitoUser.forgotPassword(callbacks);
  });
}

/** cognitoUser.confirmPassword(code, newPassword, { onSuccess, onFailure }); resolves to onSuccess's argument. */
export function confirmPassword(cognitoUser, code, newPassword) {
  return new Promise((resolve, reject) => {
    cognitoUser.confirmPassword(code, newPassword, { onSuccess: resolve, onFailure: reject });
  });
}

/**
 * Asserts that promise rejects with a service error as the library reports
 * it: err.code and err.name set to the Cognito error type, and err.message
 * equal to message (a string) or matching it (a RegExp). Returns the error.
 */
export async function rejectsWithCode(promise, { code, message }) {
  let error;
  await assert.rejects(promise, (err) => {
    error = err;
    return true;
  });
  assert.ok(error instanceof Error, `rejected with ${typeof error}, not an Error`);
  assert.equal(error.code, code, `error code (message: ${error.message})`);
  assert.equal(error.name, code);
  if (message instanceof RegExp) assert.match(error.message, message);
  else if (message !== undefined) assert.equal(error.message, message);
  return error;
}
