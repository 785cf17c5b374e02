// MFA and remembered devices through amazon-cognito-identity-js (the
// library's README use cases 9, 10, 16, 18, 19, 20, 21, 22, 24, 27, 28 and
// 29, plus device sign-in and MFA_SETUP) against Gognito. Pools, clients and
// users are made with the AWS SDK; the library talks to the server through
// Node's global fetch and keeps its tokens and device secrets in a
// MemoryStorage of the test's own (helpers/identity-js.mjs). SMS codes are
// read from the development inbox; TOTP codes are computed from the secret
// (helpers/totp.mjs).
//
// The server refuses a TOTP code of a step at or before the last one used,
// and accepts the code of the next step (one step of clock drift). So that
// no test has to wait for a new 30-second step, each user verifies its
// software token with the current step's code and answers its one TOTP
// sign-in with the next step's code.
//
// The library's SRP arithmetic costs about a second of CPU per sign-in, so
// the tests sign in with USER_PASSWORD_AUTH, except the remembered-device
// test, which signs in with SRP (the library's default flow) as browsers do.
// Device SRP (DEVICE_SRP_AUTH) follows either flow once the library has a
// device key.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminGetDeviceCommand,
  AdminGetUserCommand,
  AdminListDevicesCommand,
  AdminSetUserPasswordCommand,
  AdminSetUserSettingsCommand,
  AssociateSoftwareTokenCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  GetUserCommand,
  GetUserPoolMfaConfigCommand,
  InitiateAuthCommand,
  SetUserMFAPreferenceCommand,
  SetUserPoolMfaConfigCommand,
  UpdateUserPoolCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  AuthenticationDetails,
  CognitoUser,
  CognitoUserPool,
  CognitoUserSession,
} from 'amazon-cognito-identity-js';
import { clients, recordRequests, startServer } from './helpers/server.mjs';
import { assertRecent, rejectsWith } from './helpers/assert.mjs';
import { latestMessage, messages, otherCode } from './helpers/inbox.mjs';
import { nextCode, totp, wrongCode } from './helpers/totp.mjs';
import {
  MemoryStorage,
  associateSoftwareToken,
  authenticateUser,
  authenticateUserStep,
  disableMFA,
  enableMFA,
  forgetDevice,
  getDevice,
  getMFAOptions,
  getSession,
  getUserData,
  listDevices,
  rejectsWithCode,
  sendMFACode,
  sendMFASelectionAnswer,
  setDeviceStatusNotRemembered,
  setDeviceStatusRemembered,
  setUserMfaPreference,
  verifySoftwareToken,
} from './helpers/identity-js.mjs';

const PASSWORD = 'Passw0rd!';
const SMS_CONFIGURATION = { SnsCallerArn: 'arn:aws:iam::123456789012:role/gognito-sns', ExternalId: 'gognito-js' };
const SMS_MESSAGE = 'Your sign-in code is {####}';
const SMS_OPTION = { DeliveryMedium: 'SMS', AttributeName: 'phone_number' };
const SECRET_CODE = /^[A-Z2-7]{52}$/;
const DEVICE_KEY = /^us-east-1_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BASE64 = /^[A-Za-z0-9+/]+=*$/;
const CODE_MISMATCH = { code: 'CodeMismatchException', message: 'Invalid code received for user' };
const TOTP_MISMATCH = { code: 'EnableSoftwareTokenMFAException', message: 'Code mismatch and fail enable Software Token MFA' };
const INCORRECT = { code: 'NotAuthorizedException', message: 'Incorrect username or password.' };
const REVOKED = { code: 'NotAuthorizedException', message: 'Access Token has been revoked' };
const PREFERRED = { Enabled: true, PreferredMfa: true };

let server;
let idp;
/** The test pools (see before): mfa, devices, remembered and setup. */
const pools = {};

before(async () => {
  server = await startServer();
  ({ idp } = clients(server.endpoint));
  const totpFactor = { SoftwareTokenMfaConfiguration: { Enabled: true } };
  [pools.mfa, pools.devices, pools.remembered, pools.setup] = await Promise.all([
    // Optional MFA with TOTP and SMS; no device tracking.
    TestPool.create('mfa', {
      mfa: {
        MfaConfiguration: 'OPTIONAL',
        ...totpFactor,
        SmsMfaConfiguration: { SmsConfiguration: SMS_CONFIGURATION, SmsAuthenticationMessage: SMS_MESSAGE },
      },
    }),
    // No MFA; devices tracked, remembered only when the user says so.
    TestPool.create('devices', { devices: { ChallengeRequiredOnNewDevice: false, DeviceOnlyRememberedOnUserPrompt: true } }),
    // Optional TOTP MFA; devices remembered at once, and a remembered device stands in for MFA.
    TestPool.create('remembered', {
      devices: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: false },
      mfa: { MfaConfiguration: 'OPTIONAL', ...totpFactor },
    }),
    // Required MFA, TOTP only: a user without a factor sets one up at sign-in.
    TestPool.create('setup', { mfa: { MfaConfiguration: 'ON', ...totpFactor } }),
  ]);
});

after(async () => {
  idp?.destroy();
  await server?.stop();
});

/** A user pool of the server with one public app client, and the library objects and users of the tests. */
class TestPool {
  constructor(id, clientId) {
    this.id = id;
    this.clientId = clientId;
  }

  /**
   * Creates a pool named name; devices is its DeviceConfiguration (set with
   * UpdateUserPool, which resets what it is not given, so before the MFA
   * configuration), mfa the input of SetUserPoolMfaConfig.
   */
  static async create(name, { devices, mfa } = {}) {
    const id = (await idp.send(new CreateUserPoolCommand({ PoolName: name }))).UserPool.Id;
    if (devices) await idp.send(new UpdateUserPoolCommand({ UserPoolId: id, DeviceConfiguration: devices }));
    if (mfa) await idp.send(new SetUserPoolMfaConfigCommand({ UserPoolId: id, ...mfa }));
    const client = (await idp.send(new CreateUserPoolClientCommand({
      UserPoolId: id,
      ClientName: 'browser',
      ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    }))).UserPoolClient;
    return new TestPool(id, client.ClientId);
  }

  /** A CognitoUserPool object for the pool over storage (a fresh one unless given): one browser. */
  newUserPool(storage = new MemoryStorage()) {
    return new CognitoUserPool({ UserPoolId: this.id, ClientId: this.clientId, endpoint: server.endpoint, Storage: storage });
  }

  /** A CognitoUser of userPool sharing its storage, signing in with flow. */
  userOf(username, userPool, flow = 'USER_PASSWORD_AUTH') {
    const cognitoUser = new CognitoUser({ Username: username, Pool: userPool, Storage: userPool.storage });
    cognitoUser.setAuthenticationFlowType(flow);
    return cognitoUser;
  }

  /** The library's storage key for one of username's items (accessToken, deviceKey, randomPasswordKey…). */
  cacheKey(username, item) {
    return `CognitoIdentityServiceProvider.${this.clientId}.${username}.${item}`;
  }

  /** Makes a CONFIRMED user with PASSWORD, a verified email and, when given, a verified phone number. */
  async createUser(username, { phone } = {}) {
    await idp.send(new AdminCreateUserCommand({
      UserPoolId: this.id,
      Username: username,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: `${username}@example.com` },
        { Name: 'email_verified', Value: 'true' },
        ...(phone ? [{ Name: 'phone_number', Value: phone }, { Name: 'phone_number_verified', Value: 'true' }] : []),
      ],
    }));
    await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: this.id, Username: username, Password: PASSWORD, Permanent: true }));
  }

  getUser(username) {
    return idp.send(new AdminGetUserCommand({ UserPoolId: this.id, Username: username }));
  }

  async getDevice(username, deviceKey) {
    return (await idp.send(new AdminGetDeviceCommand({ UserPoolId: this.id, Username: username, DeviceKey: deviceKey }))).Device;
  }

  async listDevices(username) {
    return (await idp.send(new AdminListDevicesCommand({ UserPoolId: this.id, Username: username }))).Devices;
  }

  /**
   * Signs username in through the library with flow (USER_PASSWORD_AUTH
   * unless given) on a browser of its own unless userPool is given,
   * expecting tokens without any challenge; resolves to { cognitoUser,
   * userPool, session, userConfirmationNecessary, requests, deviceKey }
   * (requests: those the library made; deviceKey: the one it stored).
   */
  async signIn(username, { userPool = this.newUserPool(), flow } = {}) {
    const cognitoUser = this.userOf(username, userPool, flow);
    const { result, requests } = await recordRequests(() => authenticateUser(cognitoUser, details(username)));
    assert.equal(result.callback, 'onSuccess');
    return {
      cognitoUser,
      userPool,
      session: result.session,
      userConfirmationNecessary: result.userConfirmationNecessary,
      requests,
      deviceKey: userPool.storage.getItem(this.cacheKey(username, 'deviceKey')),
    };
  }
}

const details = (Username, Password = PASSWORD) => new AuthenticationDetails({ Username, Password });
const attrs = (list) => Object.fromEntries(list.map(({ Name, Value }) => [Name, Value]));
const getUserWithToken = (AccessToken) => idp.send(new GetUserCommand({ AccessToken }));
const targets = (requests) => requests.map((r) => r.target);
const challengeNames = (requests) => requests.filter((r) => r.target === 'RespondToAuthChallenge').map((r) => r.body.ChallengeName);
/** A date of the service's JSON (seconds since the epoch) as a Date. */
const epochDate = (seconds) => {
  assert.equal(typeof seconds, 'number', `${seconds} is not a number of seconds`);
  return new Date(seconds * 1000);
};

/**
 * Sets up TOTP for a signed-in cognitoUser through the library: associates
 * a software token and verifies it with the current step's code (after a
 * wrong code is refused). Resolves to the secret.
 */
async function setUpTOTP(cognitoUser, friendlyName = 'authenticator') {
  const secret = await associateSoftwareToken(cognitoUser);
  assert.match(secret, SECRET_CODE);
  await rejectsWithCode(verifySoftwareToken(cognitoUser, wrongCode(secret), friendlyName), TOTP_MISMATCH);
  assert.deepEqual(await verifySoftwareToken(cognitoUser, totp(secret), friendlyName), { Status: 'SUCCESS' });
  return secret;
}

/** Checks that a session came back from the service and works: valid, cached in storage, accepted by GetUser. */
async function assertSignedIn(pool, username, session, storage) {
  assert.ok(session instanceof CognitoUserSession);
  assert.equal(session.isValid(), true);
  assert.equal(session.getAccessToken().payload.username, username);
  assert.equal(session.getIdToken().payload['cognito:username'], username);
  assert.equal(storage.getItem(pool.cacheKey(username, 'accessToken')), session.getAccessToken().getJwtToken());
  assert.equal((await getUserWithToken(session.getAccessToken().getJwtToken())).Username, username);
}

/** Checks a device as ListDevices, GetDevice and their admin twins render it. */
function assertDevice(device, { key, remembered }) {
  assert.equal(device.DeviceKey, key);
  const attributes = attrs(device.DeviceAttributes);
  assert.equal(attributes.device_name, 'nodejs', 'the library names its devices after its platform');
  assert.equal(attributes.device_status, 'valid');
  assert.equal(attributes.device_remembered_status, remembered ? 'remembered' : 'not_remembered');
  assert.equal(attributes.last_ip_used, '127.0.0.1');
  for (const name of ['DeviceCreateDate', 'DeviceLastModifiedDate', 'DeviceLastAuthenticatedDate']) {
    const value = device[name] instanceof Date ? device[name] : epochDate(device[name]);
    assertRecent(value, name);
  }
}

test('the pools have the MFA and device configurations the tests rely on', async () => {
  const mfa = await idp.send(new GetUserPoolMfaConfigCommand({ UserPoolId: pools.mfa.id }));
  assert.equal(mfa.MfaConfiguration, 'OPTIONAL');
  assert.deepEqual(mfa.SoftwareTokenMfaConfiguration, { Enabled: true });
  assert.deepEqual(mfa.SmsMfaConfiguration, { SmsConfiguration: SMS_CONFIGURATION, SmsAuthenticationMessage: SMS_MESSAGE });
  const setup = await idp.send(new GetUserPoolMfaConfigCommand({ UserPoolId: pools.setup.id }));
  assert.equal(setup.MfaConfiguration, 'ON');
  assert.deepEqual(setup.SoftwareTokenMfaConfiguration, { Enabled: true });
  assert.equal(setup.SmsMfaConfiguration, undefined);

  const describe = async (pool) => (await idp.send(new DescribeUserPoolCommand({ UserPoolId: pool.id }))).UserPool;
  assert.deepEqual((await describe(pools.devices)).DeviceConfiguration, { ChallengeRequiredOnNewDevice: false, DeviceOnlyRememberedOnUserPrompt: true });
  const remembered = await describe(pools.remembered);
  assert.deepEqual(remembered.DeviceConfiguration, { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: false });
  assert.equal(remembered.MfaConfiguration, 'OPTIONAL', 'SetUserPoolMfaConfig after UpdateUserPool keeps the MFA mode');
  assert.equal((await describe(pools.mfa)).DeviceConfiguration, undefined);
});

test('use case 9: enableMFA turns SMS MFA on; the next sign-in calls mfaRequired and sendMFACode answers with the texted code', async () => {
  const pool = pools.mfa;
  const phone = '+15555550109';
  await pool.createUser('ana', { phone });
  const { cognitoUser } = await pool.signIn('ana');

  const { result, requests } = await recordRequests(() => enableMFA(cognitoUser));
  assert.equal(result, 'SUCCESS');
  assert.deepEqual(targets(requests), ['SetUserSettings']);
  assert.deepEqual(requests[0].body.MFAOptions, [SMS_OPTION]);
  const user = await pool.getUser('ana');
  assert.deepEqual(user.MFAOptions, [SMS_OPTION]);
  assert.deepEqual(user.UserMFASettingList, ['SMS_MFA']);

  // The next sign-in stops at SMS_MFA; the code went by SMS to the phone.
  const userPool = pool.newUserPool();
  const second = pool.userOf('ana', userPool);
  const challenge = await authenticateUserStep(second, details('ana'));
  assert.equal(challenge.callback, 'mfaRequired');
  assert.equal(challenge.challengeName, 'SMS_MFA');
  assert.equal(challenge.challengeParameters.CODE_DELIVERY_DELIVERY_MEDIUM, 'SMS');
  assert.equal(challenge.challengeParameters.CODE_DELIVERY_DESTINATION, '+*******0109');
  assert.equal(second.getSignInUserSession(), null, 'no session before the code');
  assert.equal(userPool.storage.getItem(pool.cacheKey('ana', 'accessToken')), null);
  const message = await latestMessage(server.endpoint, phone);
  assert.equal(message.channel, 'SMS');
  assert.equal(message.kind, 'Authentication');
  assert.equal(message.poolId, pool.id);
  assert.equal(message.username, 'ana');
  assert.match(message.code, /^\d{6}$/);
  assert.equal(message.body, `Your sign-in code is ${message.code}`, 'the pool\'s SmsAuthenticationMessage');

  // A wrong code is refused, and the session stays open for another try.
  await rejectsWithCode(sendMFACode(second, otherCode(message.code)), CODE_MISMATCH);
  assert.equal(second.getSignInUserSession(), null);
  const answer = await recordRequests(() => sendMFACode(second, message.code));
  assert.equal(answer.result.callback, 'onSuccess');
  assert.deepEqual(targets(answer.requests), ['RespondToAuthChallenge']);
  assert.equal(answer.requests[0].body.ChallengeName, 'SMS_MFA');
  assert.deepEqual(answer.requests[0].body.ChallengeResponses, { USERNAME: 'ana', SMS_MFA_CODE: message.code });
  assert.equal(second.getSignInUserSession(), answer.result.session);
  await assertSignedIn(pool, 'ana', answer.result.session, userPool.storage);
  assert.equal((await messages(server.endpoint, phone)).length, 1, 'one code for one sign-in');
});

test('use case 10: disableMFA turns SMS MFA off; the next sign-in goes straight to onSuccess', async () => {
  const pool = pools.mfa;
  const phone = '+15555550110';
  await pool.createUser('ben', { phone });
  await idp.send(new AdminSetUserSettingsCommand({ UserPoolId: pool.id, Username: 'ben', MFAOptions: [SMS_OPTION] }));

  // Signed in with the SMS code.
  const userPool = pool.newUserPool();
  const cognitoUser = pool.userOf('ben', userPool);
  assert.equal((await authenticateUserStep(cognitoUser, details('ben'))).callback, 'mfaRequired');
  const signedIn = await sendMFACode(cognitoUser, (await latestMessage(server.endpoint, phone)).code);
  assert.equal(signedIn.callback, 'onSuccess');

  const { result, requests } = await recordRequests(() => disableMFA(cognitoUser));
  assert.equal(result, 'SUCCESS');
  assert.deepEqual(targets(requests), ['SetUserSettings']);
  assert.deepEqual(requests[0].body.MFAOptions, []);
  const user = await pool.getUser('ben');
  assert.equal(user.MFAOptions, undefined);
  assert.deepEqual(user.UserMFASettingList ?? [], []);

  // No challenge, no code: InitiateAuth answers with the tokens.
  const again = await pool.signIn('ben');
  assert.deepEqual(targets(again.requests), ['InitiateAuth']);
  await assertSignedIn(pool, 'ben', again.session, again.userPool.storage);
  assert.equal((await messages(server.endpoint, phone)).length, 1, 'only the first sign-in sent a code');
});

test('use case 16: getCurrentUser and getSession restore an MFA session from the storage, and refresh it without MFA', async () => {
  const pool = pools.mfa;
  const phone = '+15555550116';
  await pool.createUser('cal', { phone });
  await idp.send(new AdminSetUserSettingsCommand({ UserPoolId: pool.id, Username: 'cal', MFAOptions: [SMS_OPTION] }));
  const storage = new MemoryStorage();
  const signingIn = pool.userOf('cal', pool.newUserPool(storage));
  assert.equal((await authenticateUserStep(signingIn, details('cal'))).callback, 'mfaRequired');
  const { session } = await sendMFACode(signingIn, (await latestMessage(server.endpoint, phone)).code);

  // Another pool object over the same storage (a reloaded page) finds the user and its session, without a request.
  const current = pool.newUserPool(storage).getCurrentUser();
  assert.ok(current instanceof CognitoUser);
  assert.equal(current.getUsername(), 'cal');
  assert.equal(current.getSignInUserSession(), null);
  const cached = await recordRequests(() => getSession(current));
  assert.deepEqual(cached.requests, [], 'a valid cached session needs no request');
  assert.ok(cached.result instanceof CognitoUserSession);
  assert.equal(cached.result.isValid(), true);
  assert.equal(cached.result.getAccessToken().getJwtToken(), session.getAccessToken().getJwtToken());
  assert.equal(cached.result.getIdToken().getJwtToken(), session.getIdToken().getJwtToken());
  assert.equal(cached.result.getRefreshToken().getToken(), session.getRefreshToken().getToken());
  assert.equal(current.getSignInUserSession(), cached.result);
  assert.equal((await getUserWithToken(cached.result.getAccessToken().getJwtToken())).Username, 'cal');

  // With a clock two hours ahead the cached tokens have expired: getSession refreshes them, and asks for no MFA code.
  storage.setItem(pool.cacheKey('cal', 'clockDrift'), String(-2 * 3600));
  const later = pool.newUserPool(storage).getCurrentUser();
  const refreshed = await recordRequests(() => getSession(later));
  assert.deepEqual(targets(refreshed.requests), ['InitiateAuth']);
  assert.equal(refreshed.requests[0].body.AuthFlow, 'REFRESH_TOKEN_AUTH');
  assert.equal(refreshed.requests[0].body.AuthParameters.REFRESH_TOKEN, session.getRefreshToken().getToken());
  assert.equal(refreshed.result.isValid(), true);
  assert.notEqual(refreshed.result.getAccessToken().getJwtToken(), session.getAccessToken().getJwtToken());
  assert.equal(refreshed.result.getAccessToken().payload.origin_jti, session.getAccessToken().payload.origin_jti);
  await assertSignedIn(pool, 'cal', refreshed.result, storage);
  assert.equal((await messages(server.endpoint, phone)).length, 1, 'refreshing sent no code');

  // Signed out, the storage has no current user.
  later.signOut();
  assert.equal(pool.newUserPool(storage).getCurrentUser(), null);
});

test('use case 18: the library confirms the device of each sign-in; listDevices lists them, page by page', async () => {
  const pool = pools.devices;
  await pool.createUser('dee');
  const laptop = await pool.signIn('dee');

  // The sign-in answered NewDeviceMetadata, and the library confirmed that device with a verifier of its own secret.
  assert.deepEqual(targets(laptop.requests), ['InitiateAuth', 'ConfirmDevice']);
  assert.match(laptop.deviceKey, DEVICE_KEY);
  const confirm = laptop.requests[1].body;
  assert.equal(confirm.DeviceKey, laptop.deviceKey);
  assert.equal(confirm.AccessToken, laptop.session.getAccessToken().getJwtToken());
  assert.equal(confirm.DeviceName, 'nodejs');
  assert.match(confirm.DeviceSecretVerifierConfig.Salt, BASE64);
  assert.match(confirm.DeviceSecretVerifierConfig.PasswordVerifier, BASE64);
  assert.equal(laptop.userConfirmationNecessary, true, 'the pool remembers devices only on the user\'s prompt');
  assert.equal(laptop.session.getAccessToken().payload.device_key, laptop.deviceKey);
  assert.ok(laptop.userPool.storage.getItem(pool.cacheKey('dee', 'deviceGroupKey')));
  assert.ok(laptop.userPool.storage.getItem(pool.cacheKey('dee', 'randomPasswordKey')));

  // Another browser is another device.
  const phone = await pool.signIn('dee');
  assert.match(phone.deviceKey, DEVICE_KEY);
  assert.notEqual(phone.deviceKey, laptop.deviceKey);

  const { result: all, requests } = await recordRequests(() => listDevices(laptop.cognitoUser, 10));
  assert.deepEqual(targets(requests), ['ListDevices']);
  assert.deepEqual(requests[0].body, { AccessToken: laptop.session.getAccessToken().getJwtToken(), Limit: 10 });
  assert.equal(all.PaginationToken, undefined);
  assert.deepEqual(all.Devices.map((d) => d.DeviceKey).sort(), [laptop.deviceKey, phone.deviceKey].sort());
  for (const device of all.Devices) assertDevice(device, { key: device.DeviceKey, remembered: false });

  // One device a page: the library passes the pagination token back.
  const first = await listDevices(phone.cognitoUser, 1);
  assert.equal(first.Devices.length, 1);
  assert.ok(first.PaginationToken, 'a token for the next page');
  const { result: second, requests: paging } = await recordRequests(() => listDevices(phone.cognitoUser, 1, first.PaginationToken));
  assert.equal(paging[0].body.PaginationToken, first.PaginationToken);
  assert.equal(second.Devices.length, 1);
  assert.equal(second.PaginationToken, undefined);
  assert.deepEqual([first.Devices[0].DeviceKey, second.Devices[0].DeviceKey].sort(), [laptop.deviceKey, phone.deviceKey].sort());
});

test('use case 19: getDevice returns the current device', async () => {
  const pool = pools.devices;
  await pool.createUser('eli');
  const { cognitoUser, session, deviceKey } = await pool.signIn('eli');

  const { result, requests } = await recordRequests(() => getDevice(cognitoUser));
  assert.deepEqual(requests, [{ target: 'GetDevice', body: { AccessToken: session.getAccessToken().getJwtToken(), DeviceKey: deviceKey } }]);
  assertDevice(result.Device, { key: deviceKey, remembered: false });
  const admin = await pool.getDevice('eli', deviceKey);
  assertDevice(admin, { key: deviceKey, remembered: false });
  assert.deepEqual(admin.DeviceAttributes, result.Device.DeviceAttributes);
  assert.equal(admin.DeviceCreateDate.getTime(), epochDate(result.Device.DeviceCreateDate).getTime());

  // A device the user does not have is not found.
  const other = await pool.signIn('eli');
  cognitoUser.deviceKey = 'us-east-1_00000000-0000-4000-8000-000000000000';
  await rejectsWithCode(getDevice(cognitoUser), { code: 'ResourceNotFoundException', message: 'Device does not exist.' });
  await pool.createUser('eli2');
  const stranger = await pool.signIn('eli2');
  stranger.cognitoUser.deviceKey = other.deviceKey;
  await rejectsWithCode(getDevice(stranger.cognitoUser), { code: 'ResourceNotFoundException', message: 'Device does not exist.' });
});

test('use case 20: setDeviceStatusRemembered remembers a device the pool remembers only on the user\'s prompt', async () => {
  const pool = pools.devices;
  await pool.createUser('fin');
  const { cognitoUser, session, deviceKey, userConfirmationNecessary } = await pool.signIn('fin');
  assert.equal(userConfirmationNecessary, true);
  assertDevice(await pool.getDevice('fin', deviceKey), { key: deviceKey, remembered: false });

  const { result, requests } = await recordRequests(() => setDeviceStatusRemembered(cognitoUser));
  assert.equal(result, 'SUCCESS');
  assert.deepEqual(requests, [{
    target: 'UpdateDeviceStatus',
    body: { AccessToken: session.getAccessToken().getJwtToken(), DeviceKey: deviceKey, DeviceRememberedStatus: 'remembered' },
  }]);
  assertDevice((await getDevice(cognitoUser)).Device, { key: deviceKey, remembered: true });
  const listed = await pool.listDevices('fin');
  assert.equal(listed.length, 1);
  assertDevice(listed[0], { key: deviceKey, remembered: true });

  // The next sign-in from this browser sends the device key, and the library proves the device with device SRP.
  const again = await pool.signIn('fin', { userPool: cognitoUser.pool });
  assert.deepEqual(targets(again.requests), ['InitiateAuth', 'RespondToAuthChallenge', 'RespondToAuthChallenge']);
  assert.equal(again.requests[0].body.AuthParameters.DEVICE_KEY, deviceKey);
  assert.deepEqual(challengeNames(again.requests), ['DEVICE_SRP_AUTH', 'DEVICE_PASSWORD_VERIFIER']);
  assert.equal(again.deviceKey, deviceKey, 'no new device');
  assert.equal(again.session.getAccessToken().payload.device_key, deviceKey);
  await assertSignedIn(pool, 'fin', again.session, again.userPool.storage);
});

test('use case 21: setDeviceStatusNotRemembered stops remembering a device', async () => {
  const pool = pools.remembered;
  await pool.createUser('gus');
  const { cognitoUser, session, deviceKey, userConfirmationNecessary } = await pool.signIn('gus');
  assert.equal(userConfirmationNecessary, undefined, 'the pool remembers confirmed devices at once');
  assertDevice((await getDevice(cognitoUser)).Device, { key: deviceKey, remembered: true });

  const { result, requests } = await recordRequests(() => setDeviceStatusNotRemembered(cognitoUser));
  assert.equal(result, 'SUCCESS');
  assert.deepEqual(requests, [{
    target: 'UpdateDeviceStatus',
    body: { AccessToken: session.getAccessToken().getJwtToken(), DeviceKey: deviceKey, DeviceRememberedStatus: 'not_remembered' },
  }]);
  assertDevice((await getDevice(cognitoUser)).Device, { key: deviceKey, remembered: false });
  assertDevice(await pool.getDevice('gus', deviceKey), { key: deviceKey, remembered: false });

  // And back.
  assert.equal(await setDeviceStatusRemembered(cognitoUser), 'SUCCESS');
  assertDevice(await pool.getDevice('gus', deviceKey), { key: deviceKey, remembered: true });
});

// Cognito asks a device that is not remembered for MFA first and then for
// DEVICE_SRP_AUTH ("if device tracking is enabled and the previous
// challenges were passed"), and the library follows that order: sendMFACode
// goes on to device SRP when the MFA answer is DEVICE_SRP_AUTH, while
// getDeviceResponse expects tokens from DEVICE_PASSWORD_VERIFIER.
test('use case 21: a device no longer remembered asks for the TOTP code before device SRP', async () => {
  const pool = pools.remembered;
  await pool.createUser('pia');
  const signedIn = await pool.signIn('pia');
  const secret = await setUpTOTP(signedIn.cognitoUser);
  assert.equal(await setUserMfaPreference(signedIn.cognitoUser, null, PREFERRED), 'SUCCESS');
  assert.equal(await setDeviceStatusNotRemembered(signedIn.cognitoUser), 'SUCCESS');

  const cognitoUser = pool.userOf('pia', signedIn.userPool);
  const challenge = await authenticateUserStep(cognitoUser, details('pia'));
  assert.equal(challenge.callback, 'totpRequired', `got ${challenge.callback}`);
  const { result, requests } = await recordRequests(() => sendMFACode(cognitoUser, nextCode(secret), 'SOFTWARE_TOKEN_MFA'));
  assert.equal(result.callback, 'onSuccess');
  assert.deepEqual(challengeNames(requests), ['SOFTWARE_TOKEN_MFA', 'DEVICE_SRP_AUTH', 'DEVICE_PASSWORD_VERIFIER']);
  assert.equal(result.session.getAccessToken().payload.device_key, signedIn.deviceKey);
  await assertSignedIn(pool, 'pia', result.session, signedIn.userPool.storage);
});

test('use case 22: forgetDevice forgets the current device and revokes its tokens; listDevices no longer shows it', async () => {
  const pool = pools.devices;
  await pool.createUser('hal');
  const laptop = await pool.signIn('hal');
  const phone = await pool.signIn('hal');
  const { storage } = laptop.userPool;

  const { result, requests } = await recordRequests(() => forgetDevice(laptop.cognitoUser));
  assert.equal(result, 'SUCCESS');
  assert.deepEqual(requests, [{
    target: 'ForgetDevice', body: { AccessToken: laptop.session.getAccessToken().getJwtToken(), DeviceKey: laptop.deviceKey },
  }]);
  for (const item of ['deviceKey', 'deviceGroupKey', 'randomPasswordKey']) {
    assert.equal(storage.getItem(pool.cacheKey('hal', item)), null, `the library dropped its ${item}`);
  }
  assert.equal(laptop.cognitoUser.deviceKey, null);

  const listed = await listDevices(phone.cognitoUser, 10);
  assert.deepEqual(listed.Devices.map((d) => d.DeviceKey), [phone.deviceKey]);
  await rejectsWith(idp.send(new AdminGetDeviceCommand({ UserPoolId: pool.id, Username: 'hal', DeviceKey: laptop.deviceKey })), {
    name: 'ResourceNotFoundException', message: 'Device does not exist.',
  });
  // The forgotten device's tokens are revoked; the other device's are not.
  await rejectsWithCode(listDevices(laptop.cognitoUser, 10), REVOKED);
  assert.equal((await getUserWithToken(phone.session.getAccessToken().getJwtToken())).Username, 'hal');

  // The next sign-in from the laptop gets, and confirms, a new device.
  const again = await pool.signIn('hal', { userPool: laptop.userPool });
  assert.deepEqual(targets(again.requests), ['InitiateAuth', 'ConfirmDevice']);
  assert.equal(again.requests[0].body.AuthParameters.DEVICE_KEY, undefined);
  assert.match(again.deviceKey, DEVICE_KEY);
  assert.notEqual(again.deviceKey, laptop.deviceKey);
  assert.deepEqual((await listDevices(again.cognitoUser, 10)).Devices.map((d) => d.DeviceKey).sort(), [again.deviceKey, phone.deviceKey].sort());
});

test('use case 24: getMFAOptions returns the legacy SMS option; getUserData reports the MFA settings and PreferredMfaSetting', async () => {
  const pool = pools.mfa;
  await pool.createUser('ivy', { phone: '+15555550124' });
  const { cognitoUser } = await pool.signIn('ivy');

  const { result: none, requests } = await recordRequests(() => getMFAOptions(cognitoUser));
  assert.deepEqual(targets(requests), ['GetUser']);
  assert.equal(none, undefined, 'no MFA option yet');
  const before = await getUserData(cognitoUser);
  assert.equal(before.Username, 'ivy');
  assert.equal(before.MFAOptions, undefined);
  assert.equal(before.UserMFASettingList, undefined);
  assert.equal(before.PreferredMfaSetting, undefined);

  assert.equal(await enableMFA(cognitoUser), 'SUCCESS');
  assert.deepEqual(await getMFAOptions(cognitoUser), [SMS_OPTION]);
  const sms = await getUserData(cognitoUser, { bypassCache: true });
  assert.deepEqual(sms.MFAOptions, [SMS_OPTION]);
  assert.deepEqual(sms.UserMFASettingList, ['SMS_MFA']);

  // With TOTP preferred too: both factors listed, TOTP preferred, and the legacy options still only SMS.
  await setUpTOTP(cognitoUser);
  assert.equal(await setUserMfaPreference(cognitoUser, null, PREFERRED), 'SUCCESS');
  const both = await getUserData(cognitoUser, { bypassCache: true });
  assert.deepEqual(both.UserMFASettingList, ['SMS_MFA', 'SOFTWARE_TOKEN_MFA']);
  assert.equal(both.PreferredMfaSetting, 'SOFTWARE_TOKEN_MFA');
  assert.deepEqual(both.MFAOptions, [SMS_OPTION]);
  assert.deepEqual(JSON.parse(cognitoUser.storage.getItem(pool.cacheKey('ivy', 'userData'))), both, 'the library cached the new data');
  assert.deepEqual(await getMFAOptions(cognitoUser), [SMS_OPTION]);
  const admin = await pool.getUser('ivy');
  assert.deepEqual(admin.UserMFASettingList, both.UserMFASettingList);
  assert.equal(admin.PreferredMfaSetting, 'SOFTWARE_TOKEN_MFA');
});

test('use case 27: with SMS and TOTP on and no preference, selectMFAType lets the user choose TOTP, then totpRequired takes the code', async () => {
  const pool = pools.mfa;
  const phone = '+15555550127';
  await pool.createUser('jan', { phone });
  const signedIn = await pool.signIn('jan');
  const secret = await setUpTOTP(signedIn.cognitoUser);
  const off = { Enabled: true, PreferredMfa: false };
  assert.equal(await setUserMfaPreference(signedIn.cognitoUser, off, off), 'SUCCESS');
  const user = await pool.getUser('jan');
  assert.deepEqual(user.UserMFASettingList, ['SMS_MFA', 'SOFTWARE_TOKEN_MFA']);
  assert.equal(user.PreferredMfaSetting, undefined);

  const userPool = pool.newUserPool();
  const cognitoUser = pool.userOf('jan', userPool);
  const select = await authenticateUserStep(cognitoUser, details('jan'));
  assert.equal(select.callback, 'selectMFAType');
  assert.equal(select.challengeName, 'SELECT_MFA_TYPE');
  assert.deepEqual(JSON.parse(select.challengeParameters.MFAS_CAN_CHOOSE), ['SMS_MFA', 'SOFTWARE_TOKEN_MFA']);

  const { result: chosen, requests } = await recordRequests(() => sendMFASelectionAnswer(cognitoUser, 'SOFTWARE_TOKEN_MFA'));
  assert.deepEqual(targets(requests), ['RespondToAuthChallenge']);
  assert.equal(requests[0].body.ChallengeName, 'SELECT_MFA_TYPE');
  assert.deepEqual(requests[0].body.ChallengeResponses, { USERNAME: 'jan', ANSWER: 'SOFTWARE_TOKEN_MFA' });
  assert.equal(chosen.callback, 'totpRequired');
  assert.equal(chosen.challengeName, 'SOFTWARE_TOKEN_MFA');
  assert.deepEqual(await messages(server.endpoint, phone), [], 'choosing TOTP sends no SMS');

  await rejectsWithCode(sendMFACode(cognitoUser, wrongCode(secret), 'SOFTWARE_TOKEN_MFA'), CODE_MISMATCH);
  const code = nextCode(secret);
  const answer = await recordRequests(() => sendMFACode(cognitoUser, code, 'SOFTWARE_TOKEN_MFA'));
  assert.equal(answer.result.callback, 'onSuccess');
  assert.equal(answer.requests[0].body.ChallengeName, 'SOFTWARE_TOKEN_MFA');
  assert.equal(answer.requests[0].body.ChallengeResponses.SOFTWARE_TOKEN_MFA_CODE, code);
  await assertSignedIn(pool, 'jan', answer.result.session, userPool.storage);
});

test('use case 28: setUserMfaPreference makes SMS preferred over TOTP; the next sign-in asks for the SMS code', async () => {
  const pool = pools.mfa;
  const phone = '+15555550128';
  await pool.createUser('kay', { phone });
  const signedIn = await pool.signIn('kay');
  await setUpTOTP(signedIn.cognitoUser);
  assert.equal(await setUserMfaPreference(signedIn.cognitoUser, null, PREFERRED), 'SUCCESS');
  assert.equal((await getUserData(signedIn.cognitoUser, { bypassCache: true })).PreferredMfaSetting, 'SOFTWARE_TOKEN_MFA');

  const { result, requests } = await recordRequests(() => setUserMfaPreference(signedIn.cognitoUser, PREFERRED, null));
  assert.equal(result, 'SUCCESS');
  assert.deepEqual(requests, [{
    target: 'SetUserMFAPreference',
    body: { SMSMfaSettings: PREFERRED, SoftwareTokenMfaSettings: null, AccessToken: signedIn.session.getAccessToken().getJwtToken() },
  }]);
  const data = await getUserData(signedIn.cognitoUser, { bypassCache: true });
  assert.equal(data.PreferredMfaSetting, 'SMS_MFA');
  assert.deepEqual(data.UserMFASettingList, ['SMS_MFA', 'SOFTWARE_TOKEN_MFA'], 'TOTP stays on');
  assert.equal((await pool.getUser('kay')).PreferredMfaSetting, 'SMS_MFA');

  // The preferred factor is asked for, without a choice.
  const userPool = pool.newUserPool();
  const cognitoUser = pool.userOf('kay', userPool);
  const challenge = await authenticateUserStep(cognitoUser, details('kay'));
  assert.equal(challenge.callback, 'mfaRequired');
  assert.equal(challenge.challengeName, 'SMS_MFA');
  assert.equal(challenge.challengeParameters.CODE_DELIVERY_DESTINATION, '+*******0128');
  const done = await sendMFACode(cognitoUser, (await latestMessage(server.endpoint, phone)).code);
  assert.equal(done.callback, 'onSuccess');
  await assertSignedIn(pool, 'kay', done.session, userPool.storage);
});

test('use case 29: associateSoftwareToken and verifySoftwareToken set up TOTP; the next sign-in calls totpRequired', async () => {
  const pool = pools.mfa;
  await pool.createUser('lee');
  const { cognitoUser, session } = await pool.signIn('lee');
  const accessToken = session.getAccessToken().getJwtToken();

  const { result: secret, requests } = await recordRequests(() => associateSoftwareToken(cognitoUser));
  assert.match(secret, SECRET_CODE);
  assert.deepEqual(requests, [{ target: 'AssociateSoftwareToken', body: { AccessToken: accessToken } }]);
  assert.deepEqual((await pool.getUser('lee')).UserMFASettingList ?? [], [], 'not on before it is verified');

  await rejectsWithCode(verifySoftwareToken(cognitoUser, wrongCode(secret), 'Lee\'s phone'), TOTP_MISMATCH);
  const code = totp(secret);
  const verified = await recordRequests(() => verifySoftwareToken(cognitoUser, code, 'Lee\'s phone'));
  assert.deepEqual(verified.result, { Status: 'SUCCESS' });
  assert.deepEqual(verified.requests, [{
    target: 'VerifySoftwareToken', body: { AccessToken: accessToken, UserCode: code, FriendlyDeviceName: 'Lee\'s phone' },
  }]);

  assert.equal(await setUserMfaPreference(cognitoUser, null, PREFERRED), 'SUCCESS');
  const user = await pool.getUser('lee');
  assert.deepEqual(user.UserMFASettingList, ['SOFTWARE_TOKEN_MFA']);
  assert.equal(user.PreferredMfaSetting, 'SOFTWARE_TOKEN_MFA');

  const userPool = pool.newUserPool();
  const next = pool.userOf('lee', userPool);
  const challenge = await authenticateUserStep(next, details('lee'));
  assert.equal(challenge.callback, 'totpRequired');
  assert.equal(challenge.challengeName, 'SOFTWARE_TOKEN_MFA');
  assert.equal(next.getSignInUserSession(), null);
  const nextStep = nextCode(secret);
  const answer = await recordRequests(() => sendMFACode(next, nextStep, 'SOFTWARE_TOKEN_MFA'));
  assert.equal(answer.result.callback, 'onSuccess');
  assert.deepEqual(targets(answer.requests), ['RespondToAuthChallenge']);
  assert.equal(answer.requests[0].body.ChallengeName, 'SOFTWARE_TOKEN_MFA');
  assert.deepEqual(answer.requests[0].body.ChallengeResponses, { USERNAME: 'lee', SMS_MFA_CODE: nextStep, SOFTWARE_TOKEN_MFA_CODE: nextStep });
  await assertSignedIn(pool, 'lee', answer.result.session, userPool.storage);

  // A TOTP code signs in once: used again, it is refused.
  const replay = pool.userOf('lee', pool.newUserPool());
  assert.equal((await authenticateUserStep(replay, details('lee'))).callback, 'totpRequired');
  await rejectsWithCode(sendMFACode(replay, nextStep, 'SOFTWARE_TOKEN_MFA'), CODE_MISMATCH);
});

test('MFA_SETUP: a user without a factor in a pool requiring TOTP sets it up at sign-in through mfaSetup', async () => {
  const pool = pools.setup;
  await pool.createUser('max');
  const userPool = pool.newUserPool();
  const cognitoUser = pool.userOf('max', userPool);

  const challenge = await authenticateUserStep(cognitoUser, details('max'));
  assert.equal(challenge.callback, 'mfaSetup');
  assert.equal(challenge.challengeName, 'MFA_SETUP');
  assert.deepEqual(JSON.parse(challenge.challengeParameters.MFAS_CAN_SETUP), ['SOFTWARE_TOKEN_MFA']);
  assert.equal(cognitoUser.getSignInUserSession(), null);
  const signInSession = cognitoUser.Session;
  assert.ok(signInSession, 'the library keeps the sign-in session');

  // Not signed in, the library associates the token with the sign-in session.
  const { result: secret, requests } = await recordRequests(() => associateSoftwareToken(cognitoUser));
  assert.match(secret, SECRET_CODE);
  assert.deepEqual(requests, [{ target: 'AssociateSoftwareToken', body: { Session: signInSession } }]);
  assert.ok(cognitoUser.Session, 'AssociateSoftwareToken answered a session for the next step');

  // VerifySoftwareToken with the session, then the library answers MFA_SETUP itself.
  const code = totp(secret);
  const verified = await recordRequests(() => verifySoftwareToken(cognitoUser, code, 'phone'));
  assert.deepEqual(targets(verified.requests), ['VerifySoftwareToken', 'RespondToAuthChallenge']);
  const [verify, respond] = verified.requests.map((r) => r.body);
  assert.equal(verify.UserCode, code);
  assert.equal(verify.FriendlyDeviceName, 'phone');
  assert.ok(verify.Session);
  assert.equal(verify.AccessToken, undefined);
  assert.equal(respond.ChallengeName, 'MFA_SETUP');
  assert.deepEqual(respond.ChallengeResponses, { USERNAME: 'max' });
  assert.ok(respond.Session);
  assert.notEqual(respond.Session, verify.Session, 'VerifySoftwareToken answered a new session');
  await assertSignedIn(pool, 'max', verified.result, userPool.storage);
  assert.equal(cognitoUser.getSignInUserSession(), verified.result);
  assert.deepEqual((await pool.getUser('max')).UserMFASettingList, ['SOFTWARE_TOKEN_MFA']);

  // Set up, the user is asked for the code from then on.
  const next = pool.userOf('max', pool.newUserPool());
  const totpChallenge = await authenticateUserStep(next, details('max'));
  assert.equal(totpChallenge.callback, 'totpRequired');
  const done = await sendMFACode(next, nextCode(secret), 'SOFTWARE_TOKEN_MFA');
  assert.equal(done.callback, 'onSuccess');
  await assertSignedIn(pool, 'max', done.session, next.storage);
});

test('MFA_SETUP: after a wrong code, verifySoftwareToken can be tried again in the same sign-in', async () => {
  const pool = pools.setup;
  await pool.createUser('quin');
  const userPool = pool.newUserPool();
  const cognitoUser = pool.userOf('quin', userPool);
  assert.equal((await authenticateUserStep(cognitoUser, details('quin'))).callback, 'mfaSetup');
  const secret = await associateSoftwareToken(cognitoUser);
  await rejectsWithCode(verifySoftwareToken(cognitoUser, wrongCode(secret), 'phone'), TOTP_MISMATCH);
  const session = await verifySoftwareToken(cognitoUser, totp(secret), 'phone');
  await assertSignedIn(pool, 'quin', session, userPool.storage);
});

test('a remembered device signs in with device SRP instead of TOTP; a wrong device secret is refused', async () => {
  const pool = pools.remembered;
  await pool.createUser('ned');
  // TOTP set up and preferred with the AWS SDK.
  const { AuthenticationResult: auth } = await idp.send(new InitiateAuthCommand({
    ClientId: pool.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'ned', PASSWORD },
  }));
  const { SecretCode: secret } = await idp.send(new AssociateSoftwareTokenCommand({ AccessToken: auth.AccessToken }));
  assert.equal((await idp.send(new VerifySoftwareTokenCommand({ AccessToken: auth.AccessToken, UserCode: totp(secret) }))).Status, 'SUCCESS');
  await idp.send(new SetUserMFAPreferenceCommand({ AccessToken: auth.AccessToken, SoftwareTokenMfaSettings: PREFERRED }));

  // First sign-in from this browser (SRP): TOTP, then the library confirms the new device.
  const storage = new MemoryStorage();
  const userPool = pool.newUserPool(storage);
  const first = pool.userOf('ned', userPool, 'USER_SRP_AUTH');
  const challenge = await authenticateUserStep(first, details('ned'));
  assert.equal(challenge.callback, 'totpRequired');
  const { result: done, requests } = await recordRequests(() => sendMFACode(first, nextCode(secret), 'SOFTWARE_TOKEN_MFA'));
  assert.equal(done.callback, 'onSuccess');
  assert.equal(done.userConfirmationNecessary, undefined);
  assert.deepEqual(targets(requests), ['RespondToAuthChallenge', 'ConfirmDevice']);
  const deviceKey = storage.getItem(pool.cacheKey('ned', 'deviceKey'));
  assert.match(deviceKey, DEVICE_KEY);
  assert.equal(requests[1].body.DeviceKey, deviceKey);
  assert.equal(done.session.getAccessToken().payload.device_key, deviceKey);
  const devices = await pool.listDevices('ned');
  assert.equal(devices.length, 1, 'only the confirmed device is listed');
  assertDevice(devices[0], { key: deviceKey, remembered: true });

  // The next sign-in from this browser proves the device with device SRP, and no TOTP code is asked for.
  const second = pool.userOf('ned', userPool, 'USER_SRP_AUTH');
  const { result: remembered, requests: deviceAuth } = await recordRequests(() => authenticateUser(second, details('ned')));
  assert.equal(remembered.callback, 'onSuccess', 'authenticateUser fails on a totpRequired callback');
  assert.deepEqual(targets(deviceAuth), ['InitiateAuth', 'RespondToAuthChallenge', 'RespondToAuthChallenge', 'RespondToAuthChallenge']);
  assert.deepEqual(challengeNames(deviceAuth), ['PASSWORD_VERIFIER', 'DEVICE_SRP_AUTH', 'DEVICE_PASSWORD_VERIFIER']);
  assert.equal(deviceAuth[1].body.ChallengeResponses.DEVICE_KEY, deviceKey);
  assert.equal(deviceAuth[2].body.ChallengeResponses.DEVICE_KEY, deviceKey);
  assert.ok(deviceAuth[2].body.ChallengeResponses.SRP_A);
  assert.equal(deviceAuth[3].body.ChallengeResponses.DEVICE_KEY, deviceKey);
  assert.equal(remembered.session.getAccessToken().payload.device_key, deviceKey);
  await assertSignedIn(pool, 'ned', remembered.session, storage);
  assert.deepEqual((await pool.listDevices('ned')).map((d) => d.DeviceKey), [deviceKey], 'no new device');

  // With a wrong device password in the storage, device SRP fails.
  storage.setItem(pool.cacheKey('ned', 'randomPasswordKey'), 'not-the-device-password');
  const third = pool.userOf('ned', userPool, 'USER_SRP_AUTH');
  const refused = await recordRequests(() => rejectsWithCode(authenticateUser(third, details('ned')), INCORRECT));
  assert.deepEqual(challengeNames(refused.requests), ['PASSWORD_VERIFIER', 'DEVICE_SRP_AUTH', 'DEVICE_PASSWORD_VERIFIER']);
  assert.equal(third.getSignInUserSession(), null);
  assert.equal(storage.getItem(pool.cacheKey('ned', 'accessToken')), remembered.session.getAccessToken().getJwtToken(),
    'the cached tokens are those of the last sign-in');
});

