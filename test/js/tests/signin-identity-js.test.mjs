// The signed-in user flows of amazon-cognito-identity-js (the library's
// README use cases 4, 5, 6, 7, 8, 11, 13, 14, 15, 23, 30, 31 and 32) against
// Gognito: SRP and password sign-in, the access-token operations, sign-out,
// the NEW_PASSWORD_REQUIRED challenge and refreshing the session. Pools,
// clients and confirmed users are made with the AWS SDK; the library talks to
// the server through Node's global fetch and keeps its tokens in a
// MemoryStorage of the test's own (helpers/identity-js.mjs).
//
// The library's SRP arithmetic is pure JavaScript and costs about a second
// of CPU per sign-in, so SRP (its default flow) is used where it is the
// subject: use cases 4, 11 and 23, and the SRP-only client of 30; the other
// tests sign in with USER_PASSWORD_AUTH.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetUserCommand,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  AuthenticationDetails,
  CognitoUser,
  CognitoUserAttribute,
  CognitoUserPool,
  CognitoUserSession,
} from 'amazon-cognito-identity-js';
import { clients, recordRequests, startServer } from './helpers/server.mjs';
import { rejectsWith } from './helpers/assert.mjs';
import { latestMessage, otherCode } from './helpers/inbox.mjs';
import {
  MemoryStorage,
  RETRIED_REQUESTS,
  authenticateUser,
  changePassword,
  completeNewPasswordChallenge,
  deleteAttributes,
  deleteUser,
  getAttributeVerificationCode,
  getSession,
  getUserAttributes,
  getUserData,
  globalSignOut,
  refreshSession,
  rejectsWithCode,
  signOutRevoking,
  updateAttributes,
  verifyAttribute,
  withoutRetryDelays,
} from './helpers/identity-js.mjs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/;
const PASSWORD = 'Passw0rd!';
const NEW_PASSWORD = 'N3w-Passw0rd';
const WRONG_PASSWORD = 'Wr0ng-Passw0rd';
const CODE_MISMATCH = 'Invalid verification code provided, please try again.';
const INCORRECT = { code: 'NotAuthorizedException', message: 'Incorrect username or password.' };

let server;
let idp;
let poolId;
let clientId;
let srpOnlyClientId;
let userPool;

before(async () => {
  server = await startServer();
  ({ idp } = clients(server.endpoint));
  poolId = (await idp.send(new CreateUserPoolCommand({ PoolName: 'signin', AutoVerifiedAttributes: ['email'] }))).UserPool.Id;
  const client = (await idp.send(new CreateUserPoolClientCommand({
    UserPoolId: poolId,
    ClientName: 'browser',
    ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  }))).UserPoolClient;
  assert.equal(client.ClientSecret, undefined, 'the app client is public');
  clientId = client.ClientId;
  srpOnlyClientId = (await idp.send(new CreateUserPoolClientCommand({
    UserPoolId: poolId, ClientName: 'srp-only', ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  }))).UserPoolClient.ClientId;
  userPool = newUserPool();
});

after(async () => {
  idp?.destroy();
  await server?.stop();
});

/** A CognitoUserPool object for the pool with a storage of its own. */
function newUserPool(ClientId = clientId) {
  return new CognitoUserPool({ UserPoolId: poolId, ClientId, endpoint: server.endpoint, Storage: new MemoryStorage() });
}

const attrs = (list) => Object.fromEntries(list.map(({ Name, Value }) => [Name, Value]));
const getUser = (Username) => idp.send(new AdminGetUserCommand({ UserPoolId: poolId, Username }));
const userAttributes = async (Username) => attrs((await getUser(Username)).UserAttributes);
const getUserWithToken = (AccessToken) => idp.send(new GetUserCommand({ AccessToken }));
const refreshWithSDK = (REFRESH_TOKEN) => idp.send(new InitiateAuthCommand({
  ClientId: clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN },
}));
const details = (Username, Password) => new AuthenticationDetails({ Username, Password });
/** The library's storage key for one of username's cached items (idToken, accessToken, refreshToken, userData…). */
const cacheKey = (username, item) => `CognitoIdentityServiceProvider.${clientId}.${username}.${item}`;

/** A CognitoUser of pool sharing the pool's storage (the library's own default would be a process-wide one). */
const userOf = (username, pool = userPool) => new CognitoUser({ Username: username, Pool: pool, Storage: pool.storage });

/**
 * Makes a CONFIRMED user with PASSWORD and the email <username>@example.com
 * (verified unless verified is false) plus the given attributes; returns the
 * email address.
 */
async function createUser(username, { attributes = {}, verified = true } = {}) {
  const email = `${username}@example.com`;
  await idp.send(new AdminCreateUserCommand({
    UserPoolId: poolId,
    Username: username,
    MessageAction: 'SUPPRESS',
    UserAttributes: [
      { Name: 'email', Value: email },
      ...(verified ? [{ Name: 'email_verified', Value: 'true' }] : []),
      ...Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
    ],
  }));
  await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: PASSWORD, Permanent: true }));
  return email;
}

/**
 * Signs username in through the library's authenticateUser with flow
 * (USER_PASSWORD_AUTH unless given); resolves to { cognitoUser, session }.
 */
async function signIn(username, password = PASSWORD, { pool = userPool, flow = 'USER_PASSWORD_AUTH' } = {}) {
  const cognitoUser = userOf(username, pool);
  cognitoUser.setAuthenticationFlowType(flow);
  const out = await authenticateUser(cognitoUser, details(username, password));
  assert.equal(out.callback, 'onSuccess');
  return { cognitoUser, session: out.session };
}

test('use case 4: authenticateUser signs in with SRP (USER_SRP_AUTH, then PASSWORD_VERIFIER)', async () => {
  await createUser('ann');
  const { sub } = await userAttributes('ann');
  const cognitoUser = userOf('ann');

  const { result, requests } = await recordRequests(() => authenticateUser(cognitoUser, details('ann', PASSWORD)));
  assert.equal(result.callback, 'onSuccess');
  assert.deepEqual(requests.map((r) => r.target), ['InitiateAuth', 'RespondToAuthChallenge']);
  const [initiate, respond] = requests.map((r) => r.body);
  assert.equal(initiate.AuthFlow, 'USER_SRP_AUTH');
  assert.equal(initiate.ClientId, clientId);
  assert.equal(initiate.AuthParameters.USERNAME, 'ann');
  assert.match(initiate.AuthParameters.SRP_A, /^[0-9a-f]+$/);
  assert.equal(initiate.AuthParameters.PASSWORD, undefined, 'SRP never sends the password');
  assert.equal(respond.ChallengeName, 'PASSWORD_VERIFIER');
  assert.deepEqual(Object.keys(respond.ChallengeResponses).sort(),
    ['PASSWORD_CLAIM_SECRET_BLOCK', 'PASSWORD_CLAIM_SIGNATURE', 'TIMESTAMP', 'USERNAME']);

  const { session } = result;
  assert.ok(session instanceof CognitoUserSession);
  assert.equal(session.isValid(), true);
  assert.equal(cognitoUser.getSignInUserSession(), session);
  assert.equal(cognitoUser.getUsername(), 'ann', 'USER_ID_FOR_SRP is the username');

  const accessToken = session.getAccessToken().getJwtToken();
  const idToken = session.getIdToken().getJwtToken();
  assert.match(accessToken, JWT);
  assert.match(idToken, JWT);
  assert.ok(session.getRefreshToken().getToken(), 'a refresh token');

  const id = session.getIdToken().payload;
  assert.equal(id.token_use, 'id');
  assert.equal(id['cognito:username'], 'ann');
  assert.equal(id.email, 'ann@example.com');
  assert.equal(id.email_verified, true);
  assert.equal(id.sub, sub);
  assert.equal(id.aud, clientId);
  assert.equal(id.iss, `${server.endpoint}/${poolId}`);
  assert.equal(id.exp - id.iat, 3600);

  const access = session.getAccessToken().payload;
  assert.equal(access.token_use, 'access');
  assert.equal(access.username, 'ann');
  assert.equal(access.sub, sub);
  assert.equal(access.client_id, clientId);
  assert.equal(access.scope, 'aws.cognito.signin.user.admin');
  assert.equal(session.getAccessToken().getExpiration() - session.getAccessToken().getIssuedAt(), 3600);

  // The library cached the session under the client and username.
  assert.equal(userPool.storage.getItem(cacheKey('ann', 'accessToken')), accessToken);
  assert.equal(userPool.storage.getItem(cacheKey('ann', 'idToken')), idToken);
  assert.equal(userPool.storage.getItem(cacheKey('ann', 'refreshToken')), session.getRefreshToken().getToken());
  assert.equal(userPool.storage.getItem(`CognitoIdentityServiceProvider.${clientId}.LastAuthUser`), 'ann');

  // The service takes the access token.
  assert.equal((await getUserWithToken(accessToken)).Username, 'ann');

  // A wrong password fails the PASSWORD_VERIFIER step; an unknown user the first.
  await rejectsWithCode(authenticateUser(userOf('ann'), details('ann', WRONG_PASSWORD)), INCORRECT);
  await rejectsWithCode(authenticateUser(userOf('nobody'), details('nobody', PASSWORD)), {
    code: 'UserNotFoundException', message: 'User does not exist.',
  });
});

test('use case 5: getUserAttributes lists the signed-in user\'s attributes', async () => {
  await createUser('ben', { attributes: { given_name: 'Ben' } });
  const { cognitoUser, session } = await signIn('ben');

  const list = await getUserAttributes(cognitoUser);
  assert.ok(list.length > 0 && list.every((a) => a instanceof CognitoUserAttribute));
  const byName = Object.fromEntries(list.map((a) => [a.getName(), a.getValue()]));
  assert.match(byName.sub, UUID);
  assert.equal(byName.sub, session.getIdToken().payload.sub);
  assert.deepEqual(byName, { sub: byName.sub, email: 'ben@example.com', email_verified: 'true', given_name: 'Ben' });
  assert.deepEqual(byName, await userAttributes('ben'));
});

test('use case 6: getAttributeVerificationCode sends a code that verifyAttribute accepts', async () => {
  await createUser('cat', { verified: false });
  assert.notEqual((await userAttributes('cat')).email_verified, 'true');
  const { cognitoUser, session } = await signIn('cat');

  const { callback, data } = await getAttributeVerificationCode(cognitoUser, 'email');
  assert.equal(callback, 'inputVerificationCode');
  assert.deepEqual(data, { CodeDeliveryDetails: { AttributeName: 'email', DeliveryMedium: 'EMAIL', Destination: 'c***@e***' } });
  const message = await latestMessage(server.endpoint, 'cat@example.com');
  assert.equal(message.kind, 'VerifyUserAttribute');
  assert.equal(message.username, 'cat');
  assert.equal(message.poolId, poolId);
  assert.match(message.code, /^\d{6}$/);

  await rejectsWithCode(verifyAttribute(cognitoUser, 'email', otherCode(message.code)), {
    code: 'CodeMismatchException', message: CODE_MISMATCH,
  });
  assert.notEqual((await userAttributes('cat')).email_verified, 'true');

  assert.equal(await verifyAttribute(cognitoUser, 'email', message.code), 'SUCCESS');
  assert.equal((await userAttributes('cat')).email_verified, 'true');
  const refreshed = await refreshSession(cognitoUser, session.getRefreshToken());
  assert.equal(refreshed.getIdToken().payload.email_verified, true, 'new ID tokens say the email is verified');

  // Without an inputVerificationCode callback the library calls onSuccess; a new code is sent all the same.
  const again = await getAttributeVerificationCode(cognitoUser, 'email', { withInput: false });
  assert.deepEqual(again, { callback: 'onSuccess', data: 'SUCCESS' });
  const second = await latestMessage(server.endpoint, 'cat@example.com', { after: message.id });
  assert.equal(second.kind, 'VerifyUserAttribute');
});

test('use case 7: deleteAttributes removes attributes of the signed-in user', async () => {
  await createUser('dan', { attributes: { nickname: 'danny', given_name: 'Dan' } });
  const { cognitoUser } = await signIn('dan');

  const { result, requests } = await recordRequests(() => deleteAttributes(cognitoUser, ['nickname']));
  assert.equal(result, 'SUCCESS');
  // The library then reloads its cached user data.
  assert.deepEqual(requests.map((r) => r.target), ['DeleteUserAttributes', 'GetUser']);
  assert.deepEqual(requests[0].body.UserAttributeNames, ['nickname']);

  const stored = await userAttributes('dan');
  assert.equal(stored.nickname, undefined);
  assert.equal(stored.given_name, 'Dan');
  assert.equal(attrs(await getUserAttributes(cognitoUser)).nickname, undefined);
  assert.equal(attrs(JSON.parse(userPool.storage.getItem(cacheKey('dan', 'userData'))).UserAttributes).nickname, undefined);

  // Deleting an attribute the user no longer has is no error; sub cannot be deleted.
  assert.equal(await deleteAttributes(cognitoUser, ['nickname']), 'SUCCESS');
  await rejectsWithCode(deleteAttributes(cognitoUser, ['sub']), { code: 'InvalidParameterException', message: /\bsub\b/ });
  assert.equal((await userAttributes('dan')).given_name, 'Dan');
});

test('use case 8: updateAttributes changes attributes; a new email is sent a code to verify it', async () => {
  await createUser('eve');
  const { cognitoUser } = await signIn('eve');

  const nickname = await updateAttributes(cognitoUser, [new CognitoUserAttribute({ Name: 'nickname', Value: 'x' })]);
  assert.deepEqual(nickname, { result: 'SUCCESS', data: {} });
  assert.equal(attrs(await getUserAttributes(cognitoUser)).nickname, 'x');
  assert.equal((await userAttributes('eve')).nickname, 'x');
  assert.equal(attrs(JSON.parse(userPool.storage.getItem(cacheKey('eve', 'userData'))).UserAttributes).nickname, 'x',
    'the library refreshed its cached user data');

  // The pool verifies emails: a changed email is unverified until its code comes back.
  const email = await updateAttributes(cognitoUser, [{ Name: 'email', Value: 'eve.new@example.com' }]);
  assert.deepEqual(email, {
    result: 'SUCCESS',
    data: { CodeDeliveryDetailsList: [{ AttributeName: 'email', DeliveryMedium: 'EMAIL', Destination: 'e***@e***' }] },
  });
  const message = await latestMessage(server.endpoint, 'eve.new@example.com');
  assert.equal(message.kind, 'UpdateUserAttribute');
  assert.equal(message.username, 'eve');
  let stored = await userAttributes('eve');
  assert.equal(stored.email, 'eve.new@example.com');
  assert.equal(stored.email_verified, 'false');

  assert.equal(await verifyAttribute(cognitoUser, 'email', message.code), 'SUCCESS');
  stored = await userAttributes('eve');
  assert.equal(stored.email, 'eve.new@example.com');
  assert.equal(stored.email_verified, 'true');
});

test('use case 11: changePassword replaces the password', async () => {
  await createUser('fay');
  const { cognitoUser, session } = await signIn('fay');

  await rejectsWithCode(changePassword(cognitoUser, WRONG_PASSWORD, NEW_PASSWORD), INCORRECT);
  await rejectsWithCode(changePassword(cognitoUser, PASSWORD, 'Sh0rt!'), {
    code: 'InvalidPasswordException', message: 'Password does not conform to policy: Password not long enough',
  });
  assert.equal(await changePassword(cognitoUser, PASSWORD, NEW_PASSWORD), 'SUCCESS');

  const { session: fresh } = await signIn('fay', NEW_PASSWORD, { flow: 'USER_SRP_AUTH' });
  assert.equal(fresh.getIdToken().payload['cognito:username'], 'fay');
  await rejectsWithCode(authenticateUser(userOf('fay'), details('fay', PASSWORD)), INCORRECT);
  // Changing the password signs no session out.
  assert.equal((await getUserWithToken(session.getAccessToken().getJwtToken())).Username, 'fay');
});

test('use case 13: deleteUser deletes the signed-in user', async () => {
  await createUser('gil');
  const { cognitoUser } = await signIn('gil');
  assert.ok(userPool.storage.getItem(cacheKey('gil', 'accessToken')));

  assert.equal(await deleteUser(cognitoUser), 'SUCCESS');
  await rejectsWith(getUser('gil'), { name: 'UserNotFoundException', message: 'User does not exist.' });
  assert.equal(userPool.storage.getItem(cacheKey('gil', 'accessToken')), null, 'the library dropped its cached tokens');
  await rejectsWithCode(authenticateUser(userOf('gil'), details('gil', PASSWORD)), {
    code: 'UserNotFoundException', message: 'User does not exist.',
  });
});

test('use case 14: signOut clears the cached session; signOut with a callback also revokes the refresh token', async () => {
  await createUser('hal');
  const pool = newUserPool();
  const { cognitoUser, session } = await signIn('hal', PASSWORD, { pool });

  // Signed in, the pool remembers the user, and the session comes back from the cache.
  const current = pool.getCurrentUser();
  assert.equal(current.getUsername(), 'hal');
  const { result: cached, requests } = await recordRequests(() => getSession(current));
  assert.deepEqual(requests, [], 'a valid cached session needs no request');
  assert.equal(cached.getAccessToken().getJwtToken(), session.getAccessToken().getJwtToken());

  cognitoUser.signOut();
  assert.equal(pool.getCurrentUser(), null);
  assert.equal(cognitoUser.getSignInUserSession(), null);
  assert.deepEqual(pool.storage.keys(), [], 'nothing is left in the storage');
  await assert.rejects(getSession(userOf('hal', pool)), { message: 'Local storage is missing an ID Token, Please authenticate' });
  // Signing out locally revokes nothing.
  assert.equal((await getUserWithToken(session.getAccessToken().getJwtToken())).Username, 'hal');
  assert.ok((await refreshWithSDK(session.getRefreshToken().getToken())).AuthenticationResult.AccessToken);

  // With a callback, signOut revokes the session's refresh token (RevokeToken) first.
  const second = await signIn('hal', PASSWORD, { pool });
  const revoking = await recordRequests(() => signOutRevoking(second.cognitoUser));
  assert.deepEqual(revoking.requests, [{
    target: 'RevokeToken', body: { Token: second.session.getRefreshToken().getToken(), ClientId: clientId },
  }]);
  assert.equal(pool.getCurrentUser(), null);
  await rejectsWith(refreshWithSDK(second.session.getRefreshToken().getToken()), {
    name: 'NotAuthorizedException', message: 'Refresh Token has been revoked',
  });
  await rejectsWith(getUserWithToken(second.session.getAccessToken().getJwtToken()), {
    name: 'NotAuthorizedException', message: 'Access Token has been revoked',
  });
  // The first session is another one: it goes on.
  assert.equal((await getUserWithToken(session.getAccessToken().getJwtToken())).Username, 'hal');
});

test('use case 15: globalSignOut revokes every session of the user', async () => {
  await createUser('ivy');
  const first = await signIn('ivy');
  const other = await signIn('ivy', PASSWORD, { pool: newUserPool() });

  assert.equal(await globalSignOut(first.cognitoUser), 'SUCCESS');
  assert.equal(userPool.storage.getItem(cacheKey('ivy', 'accessToken')), null, 'the library dropped its cached tokens');

  // The library's refresh fails. It retries every error with backoff (about
  // 6 s in all) before it gives up; the retries are made instant here, so
  // that the sign-in below comes right after the sign-out.
  const { requests } = await recordRequests(() => withoutRetryDelays(() => rejectsWithCode(
    refreshSession(userOf('ivy'), first.session.getRefreshToken()),
    { code: 'NotAuthorizedException', message: 'Refresh Token has been revoked' },
  )));
  assert.equal(requests.length, RETRIED_REQUESTS);
  for (const { target, body } of requests) {
    assert.equal(target, 'InitiateAuth');
    assert.equal(body.AuthFlow, 'REFRESH_TOKEN_AUTH');
  }
  for (const { session } of [first, other]) {
    await rejectsWith(getUserWithToken(session.getAccessToken().getJwtToken()), {
      name: 'NotAuthorizedException', message: 'Access Token has been revoked',
    });
    await rejectsWith(refreshWithSDK(session.getRefreshToken().getToken()), {
      name: 'NotAuthorizedException', message: 'Refresh Token has been revoked',
    });
  }

  // The user can sign in again, to a working session.
  const again = await signIn('ivy');
  assert.equal((await getUserWithToken(again.session.getAccessToken().getJwtToken())).Username, 'ivy');
});

test('use case 23: a user made by AdminCreateUser completes the NEW_PASSWORD_REQUIRED challenge', async () => {
  await idp.send(new AdminCreateUserCommand({
    UserPoolId: poolId,
    Username: 'jo',
    TemporaryPassword: 'Temp0rary!',
    MessageAction: 'SUPPRESS',
    UserAttributes: [{ Name: 'email', Value: 'jo@example.com' }, { Name: 'email_verified', Value: 'true' }],
  }));
  assert.equal((await getUser('jo')).UserStatus, 'FORCE_CHANGE_PASSWORD');
  const cognitoUser = userOf('jo');

  const challenge = await authenticateUser(cognitoUser, details('jo', 'Temp0rary!'));
  assert.equal(challenge.callback, 'newPasswordRequired');
  assert.deepEqual(challenge.userAttributes, { email: 'jo@example.com', email_verified: 'true' });
  assert.deepEqual(challenge.requiredAttributes, []);
  assert.equal(cognitoUser.getSignInUserSession(), null, 'no session before the challenge is answered');
  assert.equal(userPool.storage.getItem(cacheKey('jo', 'accessToken')), null);

  // The library sends required attributes as userAttributes.<name>.
  const { result, requests } = await recordRequests(() => completeNewPasswordChallenge(cognitoUser, NEW_PASSWORD, { given_name: 'Jo' }));
  assert.deepEqual(requests.map((r) => r.target), ['RespondToAuthChallenge']);
  assert.equal(requests[0].body.ChallengeName, 'NEW_PASSWORD_REQUIRED');
  assert.deepEqual(requests[0].body.ChallengeResponses, { 'userAttributes.given_name': 'Jo', NEW_PASSWORD, USERNAME: 'jo' });
  assert.equal(result.callback, 'onSuccess');
  assert.equal(result.session.isValid(), true);
  assert.equal(result.session.getIdToken().payload['cognito:username'], 'jo');
  assert.equal(result.session.getIdToken().payload.given_name, 'Jo');
  assert.equal(userPool.storage.getItem(cacheKey('jo', 'accessToken')), result.session.getAccessToken().getJwtToken());

  const user = await getUser('jo');
  assert.equal(user.UserStatus, 'CONFIRMED');
  assert.equal(attrs(user.UserAttributes).given_name, 'Jo');
  await signIn('jo', NEW_PASSWORD, { flow: 'USER_SRP_AUTH' });
  await rejectsWithCode(authenticateUser(userOf('jo'), details('jo', 'Temp0rary!')), INCORRECT);
});

test('use case 30: setAuthenticationFlowType(\'USER_PASSWORD_AUTH\') signs in with the password in one request', async () => {
  await createUser('kim');
  const cognitoUser = userOf('kim');
  cognitoUser.setAuthenticationFlowType('USER_PASSWORD_AUTH');
  assert.equal(cognitoUser.getAuthenticationFlowType(), 'USER_PASSWORD_AUTH');

  const { result, requests } = await recordRequests(() => authenticateUser(cognitoUser, details('kim', PASSWORD)));
  assert.equal(result.callback, 'onSuccess');
  assert.deepEqual(requests.map((r) => r.target), ['InitiateAuth']);
  assert.equal(requests[0].body.AuthFlow, 'USER_PASSWORD_AUTH');
  assert.deepEqual(requests[0].body.AuthParameters, { USERNAME: 'kim', PASSWORD });
  assert.equal(result.session.isValid(), true);
  assert.equal(result.session.getAccessToken().payload.username, 'kim');
  assert.equal(result.session.getIdToken().payload['cognito:username'], 'kim');

  const wrong = userOf('kim');
  wrong.setAuthenticationFlowType('USER_PASSWORD_AUTH');
  await rejectsWithCode(authenticateUser(wrong, details('kim', WRONG_PASSWORD)), INCORRECT);

  // A client without ALLOW_USER_PASSWORD_AUTH refuses the flow, and still signs in with SRP.
  const srpOnly = newUserPool(srpOnlyClientId);
  const refused = userOf('kim', srpOnly);
  refused.setAuthenticationFlowType('USER_PASSWORD_AUTH');
  await rejectsWithCode(authenticateUser(refused, details('kim', PASSWORD)), {
    code: 'InvalidParameterException', message: 'USER_PASSWORD_AUTH flow not enabled for this client',
  });
  const { session } = await signIn('kim', PASSWORD, { pool: srpOnly, flow: 'USER_SRP_AUTH' });
  assert.equal(session.getAccessToken().payload.client_id, srpOnlyClientId);
});

test('use case 31: getUserData returns the user from GetUser, then from the cache unless bypassCache', async () => {
  await createUser('lou', { attributes: { given_name: 'Lou' } });
  const { cognitoUser, session } = await signIn('lou');

  const { result: data, requests } = await recordRequests(() => getUserData(cognitoUser));
  assert.deepEqual(requests.map((r) => r.target), ['GetUser']);
  assert.equal(data.Username, 'lou');
  assert.deepEqual(attrs(data.UserAttributes), {
    sub: session.getIdToken().payload.sub, email: 'lou@example.com', email_verified: 'true', given_name: 'Lou',
  });

  const cached = await recordRequests(() => getUserData(cognitoUser));
  assert.deepEqual(cached.requests, [], 'the second call is answered from the cache');
  assert.deepEqual(cached.result, data);

  // bypassCache asks the service again, and refreshes the tokens too.
  await idp.send(new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: 'lou', UserAttributes: [{ Name: 'given_name', Value: 'Louise' }] }));
  const fresh = await recordRequests(() => getUserData(cognitoUser, { bypassCache: true }));
  assert.deepEqual(fresh.requests.map((r) => r.target), ['GetUser', 'InitiateAuth']);
  assert.equal(fresh.requests[1].body.AuthFlow, 'REFRESH_TOKEN_AUTH');
  assert.equal(attrs(fresh.result.UserAttributes).given_name, 'Louise');
  assert.equal(cognitoUser.getSignInUserSession().getIdToken().payload.given_name, 'Louise');
});

test('use case 32: refreshSession trades the refresh token for new ID and access tokens', async () => {
  await createUser('meg');
  const { cognitoUser, session } = await signIn('meg');

  const { result: refreshed, requests } = await recordRequests(() => refreshSession(cognitoUser, session.getRefreshToken()));
  assert.deepEqual(requests.map((r) => r.target), ['InitiateAuth']);
  assert.equal(requests[0].body.AuthFlow, 'REFRESH_TOKEN_AUTH');
  assert.equal(requests[0].body.AuthParameters.REFRESH_TOKEN, session.getRefreshToken().getToken());

  assert.ok(refreshed instanceof CognitoUserSession);
  assert.notEqual(refreshed, session);
  assert.equal(refreshed.isValid(), true);
  assert.equal(cognitoUser.getSignInUserSession(), refreshed);
  assert.equal(refreshed.getRefreshToken().getToken(), session.getRefreshToken().getToken(), 'the same refresh token');

  const [before, afterwards] = [session, refreshed].map((s) => s.getAccessToken().payload);
  assert.notEqual(refreshed.getAccessToken().getJwtToken(), session.getAccessToken().getJwtToken());
  assert.match(afterwards.jti, UUID);
  assert.notEqual(afterwards.jti, before.jti);
  assert.equal(afterwards.origin_jti, before.origin_jti, 'the same authentication');
  assert.equal(afterwards.auth_time, before.auth_time);
  assert.equal(afterwards.sub, before.sub);
  assert.equal(afterwards.username, 'meg');
  const [idBefore, idAfter] = [session, refreshed].map((s) => s.getIdToken().payload);
  assert.notEqual(idAfter.jti, idBefore.jti);
  assert.equal(idAfter.origin_jti, idBefore.origin_jti);
  assert.equal(idAfter['cognito:username'], 'meg');
  assert.equal(userPool.storage.getItem(cacheKey('meg', 'accessToken')), refreshed.getAccessToken().getJwtToken());

  // Refreshing does not revoke the tokens it replaces.
  for (const s of [session, refreshed]) {
    assert.equal((await getUserWithToken(s.getAccessToken().getJwtToken())).Username, 'meg');
  }
});
