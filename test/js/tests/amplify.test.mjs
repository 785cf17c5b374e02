// The user-pool flows of Amplify JS v6 (`aws-amplify/auth`) against
// Gognito: sign-up and confirmation, SRP and password sign-in, the signed-in
// user's attributes and password, refreshing the tokens, password reset, a
// new password at first sign-in, TOTP MFA (set up while signed in, and
// MFA_SETUP at sign-in), deleting the user and global sign-out. Pools,
// clients and users are made with the AWS SDK; Amplify is pointed at the
// server with the `userPoolEndpoint` key of its Cognito configuration and
// talks to it through Node's global fetch. No identity pool is configured,
// so fetchAuthSession gives the user-pool tokens and no AWS credentials.
//
// Amplify is one global per process: each test configures it for its pool
// with a token storage of its own (an in-memory KeyValueStorage, set after
// Amplify.configure, which resets the storage to its default), and every test
// ends signed out. Codes come from the development inbox
// (helpers/inbox.mjs), TOTP codes from the secret (helpers/totp.mjs); the
// server refuses a TOTP code of a step at or before the last one used and
// accepts the next step's code, so a user verifies its token with the
// current step's code and answers its TOTP sign-in with the next step's.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetTokensFromRefreshTokenCommand,
  GetUserCommand,
  InitiateAuthCommand,
  NotAuthorizedException,
  SetUserPoolMfaConfigCommand,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { Amplify } from 'aws-amplify';
import {
  confirmResetPassword,
  confirmSignIn,
  confirmSignUp,
  confirmUserAttribute,
  deleteUser,
  fetchAuthSession,
  fetchMFAPreference,
  fetchUserAttributes,
  getCurrentUser,
  resendSignUpCode,
  resetPassword,
  setUpTOTP,
  signIn,
  signOut,
  signUp,
  updateMFAPreference,
  updatePassword,
  updateUserAttributes,
  verifyTOTPSetup,
} from 'aws-amplify/auth';
import { cognitoUserPoolsTokenProvider } from 'aws-amplify/auth/cognito';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { clients, recordRequests, startServer } from './helpers/server.mjs';
import { rejectsWith } from './helpers/assert.mjs';
import { latestMessage, otherCode } from './helpers/inbox.mjs';
import { nextCode, totp, wrongCode } from './helpers/totp.mjs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SECRET_CODE = /^[A-Z2-7]{52}$/;
const PASSWORD = 'Passw0rd!';
const NEW_PASSWORD = 'N3w-Passw0rd!';
const INCORRECT = { name: 'NotAuthorizedException', message: 'Incorrect username or password.' };
const AUTH_FLOWS = ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'];

let server;
let idp;
/** The test pools (see before): basic, totp and setup. */
const pools = {};

before(async () => {
  server = await startServer();
  ({ idp } = clients(server.endpoint));
  const totpOnly = { SoftwareTokenMfaConfiguration: { Enabled: true } };
  [pools.basic, pools.totp, pools.setup] = await Promise.all([
    // No MFA; sign-up codes go to the email address.
    TestPool.create('amplify', { AutoVerifiedAttributes: ['email'] }),
    // Optional MFA, TOTP only.
    TestPool.create('amplify-totp', {}, { MfaConfiguration: 'OPTIONAL', ...totpOnly }),
    // Required MFA, TOTP only: a user without a factor sets one up at sign-in.
    TestPool.create('amplify-setup', {}, { MfaConfiguration: 'ON', ...totpOnly }),
  ]);
});

afterEach(async () => {
  // Leaves no signed-in user (nor tokens of one) to the next test.
  await signOut();
});

after(async () => {
  idp?.destroy();
  await server?.stop();
});

/**
 * A KeyValueStorage for Amplify's token provider (async setItem, getItem,
 * removeItem, clear) that keeps its items in this object, so that each test
 * starts without tokens instead of sharing Amplify's process-wide default.
 */
class MemoryKeyValueStorage {
  #items = new Map();

  async setItem(key, value) { this.#items.set(key, String(value)); }

  async getItem(key) { return this.#items.has(key) ? this.#items.get(key) : null; }

  async removeItem(key) { this.#items.delete(key); }

  async clear() { this.#items.clear(); }

  /** The stored keys, sorted. */
  keys() { return [...this.#items.keys()].sort(); }

  /** An item, synchronously (null when absent). */
  peek(key) { return this.#items.get(key) ?? null; }
}

/** A user pool of the server with one public app client. */
class TestPool {
  constructor(id, clientId) {
    this.id = id;
    this.clientId = clientId;
  }

  /** Creates a pool with the CreateUserPool input poolInput and, when given, the SetUserPoolMfaConfig input mfa. */
  static async create(name, poolInput = {}, mfa = undefined) {
    const id = (await idp.send(new CreateUserPoolCommand({ PoolName: name, ...poolInput }))).UserPool.Id;
    if (mfa) await idp.send(new SetUserPoolMfaConfigCommand({ UserPoolId: id, ...mfa }));
    const client = (await idp.send(new CreateUserPoolClientCommand({
      UserPoolId: id, ClientName: 'amplify', ExplicitAuthFlows: AUTH_FLOWS,
    }))).UserPoolClient;
    assert.equal(client.ClientSecret, undefined, 'the app client is public');
    return new TestPool(id, client.ClientId);
  }

  /**
   * Configures Amplify for this pool, with a fresh in-memory token storage
   * (which Amplify.configure would otherwise reset to its default); returns
   * the storage.
   */
  use() {
    Amplify.configure({
      Auth: {
        Cognito: {
          userPoolId: this.id,
          userPoolClientId: this.clientId,
          userPoolEndpoint: server.endpoint,
          loginWith: { username: true, email: true },
        },
      },
    });
    const storage = new MemoryKeyValueStorage();
    cognitoUserPoolsTokenProvider.setKeyValueStorage(storage);
    return storage;
  }

  /** Amplify's storage key for one of username's items (accessToken, refreshToken…). */
  cacheKey(username, item) {
    return `CognitoIdentityServiceProvider.${this.clientId}.${username}.${item}`;
  }

  /** Makes a CONFIRMED user with password and a verified email address <username>@example.com. */
  async createUser(username, password = PASSWORD) {
    await idp.send(new AdminCreateUserCommand({
      UserPoolId: this.id,
      Username: username,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: `${username}@example.com` },
        { Name: 'email_verified', Value: 'true' },
      ],
    }));
    await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: this.id, Username: username, Password: password, Permanent: true }));
  }

  getUser(username) {
    return idp.send(new AdminGetUserCommand({ UserPoolId: this.id, Username: username }));
  }

  /**
   * Configures Amplify for the pool and signs username in (SRP unless
   * options say otherwise), expecting no challenge; returns the storage.
   */
  async signIn(username, password = PASSWORD, options = undefined) {
    const storage = this.use();
    const result = await signIn({ username, password, options });
    assert.deepEqual(result, { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
    return storage;
  }
}

/** Asserts that promise rejects with an Amplify AuthError named name (the service's error type) and, when given, message. */
async function rejectsNamed(promise, name, message = undefined) {
  let error;
  await assert.rejects(promise, (err) => {
    error = err;
    return true;
  });
  assert.equal(error.name, name, `error name (message: ${error.message})`);
  if (message !== undefined) assert.equal(error.message, message);
  return error;
}

/** The current tokens of the signed-in user, as fetchAuthSession gives them (forceRefresh when asked). */
async function currentTokens(options) {
  const session = await fetchAuthSession(options);
  assert.ok(session.tokens, 'fetchAuthSession gave no tokens');
  return session.tokens;
}

const attrs = (list) => Object.fromEntries(list.map(({ Name, Value }) => [Name, Value]));

test('signUp, confirmSignUp and resendSignUpCode register a user with a code from the inbox', async () => {
  const pool = pools.basic;
  pool.use();
  const email = 'jane@example.com';

  const signedUp = await signUp({ username: 'jane', password: PASSWORD, options: { userAttributes: { email, nickname: 'JJ' } } });
  assert.equal(signedUp.isSignUpComplete, false);
  assert.match(signedUp.userId, UUID);
  assert.deepEqual(signedUp.nextStep, {
    signUpStep: 'CONFIRM_SIGN_UP',
    codeDeliveryDetails: { destination: 'j***@e***', deliveryMedium: 'EMAIL', attributeName: 'email' },
  });
  const first = await latestMessage(server.endpoint, email);
  assert.match(first.code, /^\d{6}$/);
  const user = await pool.getUser('jane');
  assert.equal(user.UserStatus, 'UNCONFIRMED');
  assert.equal(attrs(user.UserAttributes).sub, signedUp.userId);
  assert.equal(attrs(user.UserAttributes).nickname, 'JJ');

  // Amplify turns the service's UserNotConfirmedException into a next step.
  assert.deepEqual(await signIn({ username: 'jane', password: PASSWORD }), {
    isSignedIn: false, nextStep: { signInStep: 'CONFIRM_SIGN_UP' },
  });

  const resent = await resendSignUpCode({ username: 'jane' });
  assert.deepEqual(resent, { destination: 'j***@e***', deliveryMedium: 'EMAIL', attributeName: 'email' });
  const second = await latestMessage(server.endpoint, email, { after: first.id });
  assert.match(second.code, /^\d{6}$/);
  assert.equal(second.username, 'jane');

  await rejectsNamed(confirmSignUp({ username: 'jane', confirmationCode: otherCode(second.code) }), 'CodeMismatchException');
  assert.deepEqual(await confirmSignUp({ username: 'jane', confirmationCode: second.code }), {
    isSignUpComplete: true, nextStep: { signUpStep: 'DONE' },
  });
  const confirmed = await pool.getUser('jane');
  assert.equal(confirmed.UserStatus, 'CONFIRMED');
  assert.equal(attrs(confirmed.UserAttributes).email_verified, 'true');

  await rejectsNamed(signUp({ username: 'jane', password: PASSWORD, options: { userAttributes: { email } } }),
    'UsernameExistsException', 'User already exists');
});

test('signIn (SRP by default) signs in; getCurrentUser, fetchAuthSession and fetchUserAttributes describe the user', async () => {
  const pool = pools.basic;
  await pool.createUser('sam');
  const sub = attrs((await pool.getUser('sam')).UserAttributes).sub;
  const storage = pool.use();

  await rejectsNamed(signIn({ username: 'sam', password: 'Wrong-passw0rd' }), INCORRECT.name, INCORRECT.message);
  await rejectsNamed(getCurrentUser(), 'UserUnAuthenticatedException');

  const { result, requests } = await recordRequests(() => signIn({ username: 'sam', password: PASSWORD }));
  assert.deepEqual(result, { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
  assert.deepEqual(requests.map((r) => r.target), ['InitiateAuth', 'RespondToAuthChallenge']);
  assert.equal(requests[0].body.AuthFlow, 'USER_SRP_AUTH');
  assert.match(requests[0].body.AuthParameters.SRP_A, /^[0-9a-f]+$/);
  assert.equal(requests[1].body.ChallengeName, 'PASSWORD_VERIFIER');

  const current = await getCurrentUser();
  assert.equal(current.username, 'sam');
  assert.equal(current.userId, sub);
  assert.deepEqual(current.signInDetails, { loginId: 'sam', authFlowType: 'USER_SRP_AUTH' });

  const session = await fetchAuthSession();
  assert.equal(session.credentials, undefined, 'no identity pool, so no AWS credentials');
  assert.equal(session.identityId, undefined);
  assert.equal(session.userSub, sub);
  const { idToken, accessToken } = session.tokens;
  assert.equal(idToken.payload['cognito:username'], 'sam');
  assert.equal(idToken.payload.token_use, 'id');
  assert.equal(idToken.payload.aud, pool.clientId);
  assert.equal(idToken.payload.email, 'sam@example.com');
  assert.equal(accessToken.payload.token_use, 'access');
  assert.equal(accessToken.payload.username, 'sam');
  assert.equal(accessToken.payload.sub, sub);
  assert.equal(accessToken.payload.client_id, pool.clientId);
  assert.equal(accessToken.payload.scope, 'aws.cognito.signin.user.admin');
  assert.equal(accessToken.payload.iss, `${server.endpoint}/${pool.id}`);
  assert.equal(storage.peek(pool.cacheKey('sam', 'accessToken')), accessToken.toString());
  assert.equal(storage.peek(`CognitoIdentityServiceProvider.${pool.clientId}.LastAuthUser`), 'sam');
  assert.ok(storage.peek(pool.cacheKey('sam', 'refreshToken')), 'no refresh token stored');

  // The tokens Amplify holds are signed with the keys of the pool's JWKS.
  const jwks = createRemoteJWKSet(new URL(`${server.endpoint}/${pool.id}/.well-known/jwks.json`));
  for (const token of [idToken, accessToken]) {
    const { payload } = await jwtVerify(token.toString(), jwks, { issuer: `${server.endpoint}/${pool.id}` });
    assert.equal(payload.sub, sub);
  }

  assert.deepEqual(await fetchUserAttributes(), { sub, email: 'sam@example.com', email_verified: 'true' });

  await rejectsNamed(signIn({ username: 'sam', password: PASSWORD }), 'UserAlreadyAuthenticatedException');
});

test('updateUserAttributes, confirmUserAttribute and updatePassword change the signed-in user', async () => {
  const pool = pools.basic;
  await pool.createUser('ada');
  await pool.signIn('ada');

  assert.deepEqual(await updateUserAttributes({ userAttributes: { nickname: 'Countess' } }), {
    nickname: { isUpdated: true, nextStep: { updateAttributeStep: 'DONE' } },
  });
  assert.equal((await fetchUserAttributes()).nickname, 'Countess');
  assert.equal(attrs((await pool.getUser('ada')).UserAttributes).nickname, 'Countess');

  // A new email address (the pool verifies email) is confirmed with a code.
  const updated = await updateUserAttributes({ userAttributes: { email: 'ada@example.org' } });
  assert.deepEqual(updated.email, {
    isUpdated: false,
    nextStep: {
      updateAttributeStep: 'CONFIRM_ATTRIBUTE_WITH_CODE',
      codeDeliveryDetails: { destination: 'a***@e***', deliveryMedium: 'EMAIL', attributeName: 'email' },
    },
  });
  const { code } = await latestMessage(server.endpoint, 'ada@example.org');
  await rejectsNamed(confirmUserAttribute({ userAttributeKey: 'email', confirmationCode: otherCode(code) }), 'CodeMismatchException');
  await confirmUserAttribute({ userAttributeKey: 'email', confirmationCode: code });
  const attributes = await fetchUserAttributes();
  assert.equal(attributes.email, 'ada@example.org');
  assert.equal(attributes.email_verified, 'true');

  await rejectsNamed(updatePassword({ oldPassword: 'Wrong-passw0rd', newPassword: NEW_PASSWORD }), INCORRECT.name, INCORRECT.message);
  await updatePassword({ oldPassword: PASSWORD, newPassword: NEW_PASSWORD });
  await signOut();
  await rejectsNamed(getCurrentUser(), 'UserUnAuthenticatedException');

  await rejectsNamed(signIn({ username: 'ada', password: PASSWORD }), INCORRECT.name, INCORRECT.message);
  assert.deepEqual(await signIn({ username: 'ada', password: NEW_PASSWORD }), { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
  assert.equal((await getCurrentUser()).username, 'ada');
});

test("signIn with authFlowType 'USER_PASSWORD_AUTH' sends the password", async () => {
  const pool = pools.basic;
  await pool.createUser('pat');
  pool.use();

  const { result, requests } = await recordRequests(() => signIn({
    username: 'pat', password: PASSWORD, options: { authFlowType: 'USER_PASSWORD_AUTH' },
  }));
  assert.deepEqual(result, { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
  assert.deepEqual(requests.map((r) => r.target), ['InitiateAuth']);
  assert.equal(requests[0].body.AuthFlow, 'USER_PASSWORD_AUTH');
  assert.deepEqual(requests[0].body.AuthParameters, { USERNAME: 'pat', PASSWORD });
  assert.equal(requests[0].body.ClientId, pool.clientId);

  const current = await getCurrentUser();
  assert.equal(current.username, 'pat');
  assert.deepEqual(current.signInDetails, { loginId: 'pat', authFlowType: 'USER_PASSWORD_AUTH' });
  assert.equal((await fetchUserAttributes()).email, 'pat@example.com');

  await signOut();
  await rejectsNamed(signIn({ username: 'pat', password: 'Wrong-passw0rd', options: { authFlowType: 'USER_PASSWORD_AUTH' } }),
    INCORRECT.name, INCORRECT.message);
});

test('fetchAuthSession({ forceRefresh: true }) refreshes the tokens of the same user', async () => {
  const pool = pools.basic;
  await pool.createUser('ray');
  const storage = await pool.signIn('ray');
  const before = await currentTokens();

  const { result: after, requests } = await recordRequests(() => currentTokens({ forceRefresh: true }));
  assert.deepEqual(requests.map((r) => r.target), ['GetTokensFromRefreshToken']);
  assert.equal(requests[0].body.ClientId, pool.clientId);
  assert.equal(requests[0].body.RefreshToken, storage.peek(pool.cacheKey('ray', 'refreshToken')));

  assert.match(after.accessToken.payload.jti, UUID);
  assert.notEqual(after.accessToken.payload.jti, before.accessToken.payload.jti);
  assert.notEqual(after.accessToken.toString(), before.accessToken.toString());
  assert.notEqual(after.idToken.payload.jti, before.idToken.payload.jti);
  assert.equal(after.accessToken.payload.sub, before.accessToken.payload.sub);
  assert.equal(after.accessToken.payload.username, 'ray');
  assert.equal(after.idToken.payload['cognito:username'], 'ray');
  assert.equal(after.accessToken.payload.origin_jti, before.accessToken.payload.origin_jti, 'the same authentication');
  assert.equal(storage.peek(pool.cacheKey('ray', 'accessToken')), after.accessToken.toString());

  // The cached session is the refreshed one, and the service takes it.
  assert.equal((await currentTokens()).accessToken.payload.jti, after.accessToken.payload.jti);
  assert.equal((await idp.send(new GetUserCommand({ AccessToken: after.accessToken.toString() }))).Username, 'ray');
  assert.equal((await getCurrentUser()).username, 'ray');
});

test('resetPassword and confirmResetPassword set a new password with a code from the inbox', async () => {
  const pool = pools.basic;
  await pool.createUser('kim');
  pool.use();

  const reset = await resetPassword({ username: 'kim' });
  assert.deepEqual(reset, {
    isPasswordReset: false,
    nextStep: {
      resetPasswordStep: 'CONFIRM_RESET_PASSWORD_WITH_CODE',
      codeDeliveryDetails: { destination: 'k***@e***', deliveryMedium: 'EMAIL', attributeName: 'email' },
    },
  });
  const { code } = await latestMessage(server.endpoint, 'kim@example.com');
  assert.match(code, /^\d{6}$/);

  await rejectsNamed(confirmResetPassword({ username: 'kim', confirmationCode: otherCode(code), newPassword: NEW_PASSWORD }),
    'CodeMismatchException');
  await confirmResetPassword({ username: 'kim', confirmationCode: code, newPassword: NEW_PASSWORD });

  await rejectsNamed(signIn({ username: 'kim', password: PASSWORD }), INCORRECT.name, INCORRECT.message);
  assert.deepEqual(await signIn({ username: 'kim', password: NEW_PASSWORD }), { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
  assert.equal((await getCurrentUser()).username, 'kim');
});

test('a user with a temporary password sets a new one with confirmSignIn', async () => {
  const pool = pools.basic;
  await idp.send(new AdminCreateUserCommand({
    UserPoolId: pool.id,
    Username: 'newbie',
    TemporaryPassword: 'Temp-passw0rd!',
    MessageAction: 'SUPPRESS',
    UserAttributes: [{ Name: 'email', Value: 'newbie@example.com' }, { Name: 'email_verified', Value: 'true' }],
  }));
  assert.equal((await pool.getUser('newbie')).UserStatus, 'FORCE_CHANGE_PASSWORD');
  pool.use();

  const first = await signIn({ username: 'newbie', password: 'Temp-passw0rd!' });
  assert.equal(first.isSignedIn, false);
  assert.equal(first.nextStep.signInStep, 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED');
  await rejectsNamed(getCurrentUser(), 'UserUnAuthenticatedException');

  const { result, requests } = await recordRequests(() => confirmSignIn({ challengeResponse: NEW_PASSWORD }));
  assert.deepEqual(result, { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
  assert.deepEqual(requests.map((r) => r.target), ['RespondToAuthChallenge']);
  assert.equal(requests[0].body.ChallengeName, 'NEW_PASSWORD_REQUIRED');
  assert.equal(requests[0].body.ChallengeResponses.NEW_PASSWORD, NEW_PASSWORD);

  assert.equal((await getCurrentUser()).username, 'newbie');
  assert.equal((await pool.getUser('newbie')).UserStatus, 'CONFIRMED');
  await signOut();
  await rejectsNamed(signIn({ username: 'newbie', password: 'Temp-passw0rd!' }), INCORRECT.name, INCORRECT.message);
  await pool.signIn('newbie', NEW_PASSWORD);
});

test('setUpTOTP, verifyTOTPSetup and updateMFAPreference make TOTP the factor asked for at sign-in', async () => {
  const pool = pools.totp;
  await pool.createUser('tom');
  await pool.signIn('tom');
  assert.deepEqual(await fetchMFAPreference(), { enabled: undefined, preferred: undefined });

  const details = await setUpTOTP();
  assert.match(details.sharedSecret, SECRET_CODE);
  const uri = details.getSetupUri('Gognito');
  assert.equal(uri.protocol, 'otpauth:');
  assert.equal(uri.searchParams.get('secret'), details.sharedSecret);
  assert.equal(uri.searchParams.get('issuer'), 'Gognito');

  await rejectsNamed(verifyTOTPSetup({ code: wrongCode(details.sharedSecret) }), 'EnableSoftwareTokenMFAException');
  await verifyTOTPSetup({ code: totp(details.sharedSecret), options: { friendlyDeviceName: 'phone' } });
  await updateMFAPreference({ totp: 'PREFERRED' });
  assert.deepEqual(await fetchMFAPreference(), { enabled: ['TOTP'], preferred: 'TOTP' });
  const user = await pool.getUser('tom');
  assert.deepEqual(user.UserMFASettingList, ['SOFTWARE_TOKEN_MFA']);
  assert.equal(user.PreferredMfaSetting, 'SOFTWARE_TOKEN_MFA');

  await signOut();
  const challenged = await signIn({ username: 'tom', password: PASSWORD });
  assert.deepEqual(challenged, { isSignedIn: false, nextStep: { signInStep: 'CONFIRM_SIGN_IN_WITH_TOTP_CODE' } });
  await rejectsNamed(getCurrentUser(), 'UserUnAuthenticatedException');

  // A mistyped code is refused, and the same sign-in goes on with the right one.
  await rejectsNamed(confirmSignIn({ challengeResponse: wrongCode(details.sharedSecret) }), 'CodeMismatchException');
  const { result, requests } = await recordRequests(() => confirmSignIn({ challengeResponse: nextCode(details.sharedSecret) }));
  assert.deepEqual(result, { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
  assert.deepEqual(requests.map((r) => r.target), ['RespondToAuthChallenge']);
  assert.equal(requests[0].body.ChallengeName, 'SOFTWARE_TOKEN_MFA');
  assert.equal((await getCurrentUser()).username, 'tom');
  assert.equal((await currentTokens()).accessToken.payload.username, 'tom');
});

test('a user of a pool that requires MFA sets up TOTP at sign-in (MFA_SETUP)', async () => {
  const pool = pools.setup;
  await pool.createUser('una');
  pool.use();

  const { result: challenged, requests: signInRequests } = await recordRequests(() => signIn({ username: 'una', password: PASSWORD }));
  assert.equal(challenged.isSignedIn, false);
  // TOTP is the only factor the pool offers, so Amplify goes straight to
  // TOTP set-up (no CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION), having
  // associated a software token with the challenge's session.
  assert.equal(challenged.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP');
  assert.deepEqual(signInRequests.map((r) => r.target), ['InitiateAuth', 'RespondToAuthChallenge', 'AssociateSoftwareToken']);
  assert.ok(signInRequests[2].body.Session, 'AssociateSoftwareToken was not given the session');
  const { sharedSecret } = challenged.nextStep.totpSetupDetails;
  assert.match(sharedSecret, SECRET_CODE);
  assert.equal(challenged.nextStep.totpSetupDetails.getSetupUri('Gognito').searchParams.get('secret'), sharedSecret);
  await rejectsNamed(getCurrentUser(), 'UserUnAuthenticatedException');

  const { result, requests } = await recordRequests(() => confirmSignIn({ challengeResponse: totp(sharedSecret) }));
  assert.deepEqual(result, { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
  assert.deepEqual(requests.map((r) => r.target), ['VerifySoftwareToken', 'RespondToAuthChallenge']);
  assert.equal(requests[1].body.ChallengeName, 'MFA_SETUP');
  assert.equal((await getCurrentUser()).username, 'una');
  assert.deepEqual((await pool.getUser('una')).UserMFASettingList, ['SOFTWARE_TOKEN_MFA']);
  assert.deepEqual((await fetchMFAPreference()).enabled, ['TOTP']);

  // The next sign-in asks for the factor set up.
  await signOut();
  assert.deepEqual(await signIn({ username: 'una', password: PASSWORD }), {
    isSignedIn: false, nextStep: { signInStep: 'CONFIRM_SIGN_IN_WITH_TOTP_CODE' },
  });
  assert.deepEqual(await confirmSignIn({ challengeResponse: nextCode(sharedSecret) }), {
    isSignedIn: true, nextStep: { signInStep: 'DONE' },
  });
});

test('deleteUser deletes the signed-in user and signs out', async () => {
  const pool = pools.basic;
  await pool.createUser('del');
  const storage = await pool.signIn('del');
  const { accessToken } = await currentTokens();

  await deleteUser();
  await rejectsWith(pool.getUser('del'), { name: 'UserNotFoundException', message: 'User does not exist.', type: UserNotFoundException });
  await rejectsNamed(getCurrentUser(), 'UserUnAuthenticatedException');
  assert.deepEqual(storage.keys().filter((k) => k.includes('.del.')), [], 'tokens left in storage');
  await rejectsNamed(idp.send(new GetUserCommand({ AccessToken: accessToken.toString() })), 'NotAuthorizedException');
});

test('signOut({ global: true }) revokes the refresh token Amplify held', async () => {
  const pool = pools.basic;
  await pool.createUser('gil');
  const storage = await pool.signIn('gil');
  const refreshToken = storage.peek(pool.cacheKey('gil', 'refreshToken'));
  assert.ok(refreshToken, 'no refresh token stored');
  const { accessToken } = await currentTokens();

  // The refresh token works until the global sign-out.
  const refreshed = await idp.send(new InitiateAuthCommand({
    ClientId: pool.clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: refreshToken },
  }));
  assert.ok(refreshed.AuthenticationResult.AccessToken);

  const { requests } = await recordRequests(() => signOut({ global: true }));
  assert.deepEqual(requests.map((r) => r.target), ['GlobalSignOut']);
  assert.deepEqual(storage.keys().filter((k) => k.includes('.gil.')), [], 'tokens left in storage');
  await rejectsNamed(getCurrentUser(), 'UserUnAuthenticatedException');

  await rejectsWith(idp.send(new InitiateAuthCommand({
    ClientId: pool.clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: refreshToken },
  })), { name: 'NotAuthorizedException', message: /^Refresh Token has been revoked$/, type: NotAuthorizedException });
  await rejectsWith(idp.send(new GetTokensFromRefreshTokenCommand({ ClientId: pool.clientId, RefreshToken: refreshToken })),
    { name: 'NotAuthorizedException', message: /^Refresh Token has been revoked$/, type: NotAuthorizedException });
  for (const token of [accessToken.toString(), refreshed.AuthenticationResult.AccessToken]) {
    await rejectsWith(idp.send(new GetUserCommand({ AccessToken: token })),
      { name: 'NotAuthorizedException', message: 'Access Token has been revoked', type: NotAuthorizedException });
  }
});
