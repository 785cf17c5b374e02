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

/**
 * A Storage for the library (setItem, getItem, removeItem, clear) that keeps
 * its items in this object, so that each pool or user given one has its own
 * cache of tokens instead of the library's process-wide MemoryStorage.
 */
export class MemoryStorage {
  #items = new Map();

  setItem(key, value) { this.#items.set(key, String(value)); }

  getItem(key) { return this.#items.has(key) ? this.#items.get(key) : null; }

  removeItem(key) { this.#items.delete(key); }

  clear() { this.#items.clear(); }

  /** The stored keys, sorted. */
  keys() { return [...this.#items.keys()].sort(); }
}

/**
 * cognitoUser.authenticateUser(authDetails, callbacks) as a promise: resolves
 * to { callback: 'onSuccess', session, userConfirmationNecessary } or
 * { callback: 'newPasswordRequired', userAttributes, requiredAttributes };
 * rejects with onFailure's error, or with an Error naming any other
 * challenge callback the library called.
 */
export function authenticateUser(cognitoUser, authDetails) {
  return new Promise((resolve, reject) => {
    cognitoUser.authenticateUser(authDetails, authCallbacks(resolve, reject));
  });
}

/** cognitoUser.completeNewPasswordChallenge(newPassword, requiredAttributes, callbacks) as a promise; see authenticateUser. */
export function completeNewPasswordChallenge(cognitoUser, newPassword, requiredAttributes = {}) {
  return new Promise((resolve, reject) => {
    cognitoUser.completeNewPasswordChallenge(newPassword, requiredAttributes, authCallbacks(resolve, reject));
  });
}

function authCallbacks(resolve, reject) {
  const unexpected = (name) => (...args) => reject(new Error(`unexpected ${name} callback: ${JSON.stringify(args)}`));
  return {
    onSuccess: (session, userConfirmationNecessary) => resolve({ callback: 'onSuccess', session, userConfirmationNecessary }),
    onFailure: reject,
    newPasswordRequired: (userAttributes, requiredAttributes) => resolve({ callback: 'newPasswordRequired', userAttributes, requiredAttributes }),
    mfaRequired: unexpected('mfaRequired'),
    totpRequired: unexpected('totpRequired'),
    mfaSetup: unexpected('mfaSetup'),
    selectMFAType: unexpected('selectMFAType'),
    customChallenge: unexpected('customChallenge'),
  };
}

// Turns a method taking a Node-style callback (err, result) as its last
// argument into a promise of the result.
function nodeStyle(call) {
  return new Promise((resolve, reject) => call((err, result) => (err ? reject(err) : resolve(result))));
}

// Turns a method taking { onSuccess, onFailure } into a promise of onSuccess's argument.
function successStyle(call) {
  return new Promise((resolve, reject) => call({ onSuccess: resolve, onFailure: reject }));
}

/** cognitoUser.getUserAttributes(cb); resolves to the CognitoUserAttribute list. */
export const getUserAttributes = (cognitoUser) => nodeStyle((cb) => cognitoUser.getUserAttributes(cb));

/** cognitoUser.getUserData(cb, params); resolves to the GetUser answer. */
export const getUserData = (cognitoUser, params) => nodeStyle((cb) => cognitoUser.getUserData(cb, params));

/** cognitoUser.updateAttributes(attributes, cb); resolves to { result: 'SUCCESS', data } (data: the service's answer). */
export function updateAttributes(cognitoUser, attributes) {
  return new Promise((resolve, reject) => {
    cognitoUser.updateAttributes(attributes, (err, result, data) => (err ? reject(err) : resolve({ result, data })));
  });
}

/** cognitoUser.deleteAttributes(names, cb); resolves to 'SUCCESS'. */
export const deleteAttributes = (cognitoUser, names) => nodeStyle((cb) => cognitoUser.deleteAttributes(names, cb));

/** cognitoUser.changePassword(oldPassword, newPassword, cb); resolves to 'SUCCESS'. */
export const changePassword = (cognitoUser, oldPassword, newPassword) =>
  nodeStyle((cb) => cognitoUser.changePassword(oldPassword, newPassword, cb));

/** cognitoUser.deleteUser(cb); resolves to 'SUCCESS'. */
export const deleteUser = (cognitoUser) => nodeStyle((cb) => cognitoUser.deleteUser(cb));

/** cognitoUser.refreshSession(refreshToken, cb); resolves to the new CognitoUserSession. */
export const refreshSession = (cognitoUser, refreshToken) => nodeStyle((cb) => cognitoUser.refreshSession(refreshToken, cb));

/** cognitoUser.getSession(cb); resolves to the (cached or refreshed) CognitoUserSession. */
export const getSession = (cognitoUser) => nodeStyle((cb) => cognitoUser.getSession(cb));

/** cognitoUser.signOut(cb), which revokes the refresh token before clearing the cache; resolves when done. */
export const signOutRevoking = (cognitoUser) => new Promise((resolve, reject) => {
  cognitoUser.signOut((err) => (err ? reject(err) : resolve()));
});

/** cognitoUser.globalSignOut({ onSuccess, onFailure }); resolves to onSuccess's argument ('SUCCESS'). */
export const globalSignOut = (cognitoUser) => successStyle((cb) => cognitoUser.globalSignOut(cb));

/** cognitoUser.verifyAttribute(name, code, { onSuccess, onFailure }); resolves to 'SUCCESS'. */
export const verifyAttribute = (cognitoUser, name, code) => successStyle((cb) => cognitoUser.verifyAttribute(name, code, cb));

/**
 * cognitoUser.getAttributeVerificationCode(name, { onSuccess, onFailure,
 * inputVerificationCode }): resolves to { callback, data } naming the
 * success callback the library called (inputVerificationCode only offered
 * when withInput is true).
 */
export function getAttributeVerificationCode(cognitoUser, name, { withInput = true } = {}) {
  return new Promise((resolve, reject) => {
    const callbacks = {
      onSuccess: (data) => resolve({ callback: 'onSuccess', data }),
      onFailure: reject,
    };
    if (withInput) callbacks.inputVerificationCode = (data) => resolve({ callback: 'inputVerificationCode', data });
    cognitoUser.getAttributeVerificationCode(name, callbacks);
  });
}

/**
 * Runs fn with the global setTimeout (which the library's retry with
 * backoff waits on) firing every timer at once, so that a call the library
 * retries (refreshSession, signOut's RevokeToken) gives up in milliseconds
 * instead of seconds; restores setTimeout afterwards. Resolves to fn's result.
 */
export async function withoutRetryDelays(fn) {
  const realSetTimeout = globalThis.setTimeout;
  globalThis.setTimeout = (callback, _delay, ...args) => realSetTimeout(callback, 0, ...args);
  try {
    return await fn();
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
}

/**
 * The number of requests the library's retry (jitteredExponentialRetry with
 * a 5 s cap) makes before it gives up on an error: the first, then retries
 * after 200, 400, 800, 1600 and 3200 ms (plus jitter under 100 ms); the next
 * delay, 6400 ms, is over the cap.
 */
export const RETRIED_REQUESTS = 6;

/**
 * Callbacks for the library's sign-in steps that resolve to
 * { callback, ...args } naming the callback the library called:
 * onSuccess { session, userConfirmationNecessary }, newPasswordRequired
 * { userAttributes, requiredAttributes }, mfaRequired, totpRequired,
 * mfaSetup and selectMFAType { challengeName, challengeParameters },
 * customChallenge { challengeParameters }; onFailure rejects.
 */
function stepCallbacks(resolve, reject) {
  const challenge = (callback) => (challengeName, challengeParameters) => resolve({ callback, challengeName, challengeParameters });
  return {
    onSuccess: (session, userConfirmationNecessary) => resolve({ callback: 'onSuccess', session, userConfirmationNecessary }),
    onFailure: reject,
    newPasswordRequired: (userAttributes, requiredAttributes) => resolve({ callback: 'newPasswordRequired', userAttributes, requiredAttributes }),
    mfaRequired: challenge('mfaRequired'),
    totpRequired: challenge('totpRequired'),
    mfaSetup: challenge('mfaSetup'),
    selectMFAType: challenge('selectMFAType'),
    customChallenge: (challengeParameters) => resolve({ callback: 'customChallenge', challengeParameters }),
  };
}

/**
 * cognitoUser.authenticateUser(authDetails, callbacks) as a promise of the
 * first step's outcome, challenges included (see stepCallbacks); where
 * authenticateUser rejects on MFA callbacks, this resolves to them.
 */
export function authenticateUserStep(cognitoUser, authDetails) {
  return new Promise((resolve, reject) => {
    cognitoUser.authenticateUser(authDetails, stepCallbacks(resolve, reject));
  });
}

/** cognitoUser.sendMFACode(code, callbacks, mfaType) as a promise of the outcome (see stepCallbacks). */
export function sendMFACode(cognitoUser, code, mfaType) {
  return new Promise((resolve, reject) => {
    cognitoUser.sendMFACode(code, stepCallbacks(resolve, reject), mfaType);
  });
}

/** cognitoUser.sendMFASelectionAnswer(answer, callbacks) as a promise of the next challenge (see stepCallbacks). */
export function sendMFASelectionAnswer(cognitoUser, answer) {
  return new Promise((resolve, reject) => {
    cognitoUser.sendMFASelectionAnswer(answer, stepCallbacks(resolve, reject));
  });
}

/** cognitoUser.associateSoftwareToken({ associateSecretCode, onFailure }); resolves to the secret code. */
export function associateSoftwareToken(cognitoUser) {
  return new Promise((resolve, reject) => {
    cognitoUser.associateSoftwareToken({ associateSecretCode: resolve, onFailure: reject });
  });
}

/**
 * cognitoUser.verifySoftwareToken(code, friendlyName, { onSuccess,
 * onFailure }); resolves to onSuccess's argument: the service's answer
 * when signed in, the new CognitoUserSession during MFA_SETUP.
 */
export const verifySoftwareToken = (cognitoUser, code, friendlyName) =>
  successStyle((cb) => cognitoUser.verifySoftwareToken(code, friendlyName, cb));

/** cognitoUser.enableMFA(cb) (legacy SMS MFA through SetUserSettings); resolves to 'SUCCESS'. */
export const enableMFA = (cognitoUser) => nodeStyle((cb) => cognitoUser.enableMFA(cb));

/** cognitoUser.disableMFA(cb); resolves to 'SUCCESS'. */
export const disableMFA = (cognitoUser) => nodeStyle((cb) => cognitoUser.disableMFA(cb));

/** cognitoUser.setUserMfaPreference(smsMfaSettings, softwareTokenMfaSettings, cb); resolves to 'SUCCESS'. */
export const setUserMfaPreference = (cognitoUser, sms, softwareToken) =>
  nodeStyle((cb) => cognitoUser.setUserMfaPreference(sms, softwareToken, cb));

/** cognitoUser.getMFAOptions(cb); resolves to GetUser's MFAOptions (undefined when it has none). */
export const getMFAOptions = (cognitoUser) => nodeStyle((cb) => cognitoUser.getMFAOptions(cb));

/** cognitoUser.listDevices(limit, paginationToken, { onSuccess, onFailure }); resolves to the ListDevices answer. */
export const listDevices = (cognitoUser, limit, paginationToken = null) =>
  successStyle((cb) => cognitoUser.listDevices(limit, paginationToken, cb));

/** cognitoUser.getDevice({ onSuccess, onFailure }) for the user's current device; resolves to the GetDevice answer. */
export const getDevice = (cognitoUser) => successStyle((cb) => cognitoUser.getDevice(cb));

/** cognitoUser.setDeviceStatusRemembered({ onSuccess, onFailure }); resolves to 'SUCCESS'. */
export const setDeviceStatusRemembered = (cognitoUser) => successStyle((cb) => cognitoUser.setDeviceStatusRemembered(cb));

/** cognitoUser.setDeviceStatusNotRemembered({ onSuccess, onFailure }); resolves to 'SUCCESS'. */
export const setDeviceStatusNotRemembered = (cognitoUser) => successStyle((cb) => cognitoUser.setDeviceStatusNotRemembered(cb));

/** cognitoUser.forgetDevice({ onSuccess, onFailure }) for the current device; resolves to 'SUCCESS'. */
export const forgetDevice = (cognitoUser) => successStyle((cb) => cognitoUser.forgetDevice(cb));
