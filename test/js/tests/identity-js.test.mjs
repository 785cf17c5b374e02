// The unauthenticated user flows of amazon-cognito-identity-js (the
// library's README use cases 1, 2, 3 and 12) against Gognito. The pool and
// its public app client are made with the AWS SDK; the library talks to the
// server through Node's global fetch and reads codes from nowhere: the tests
// take them from the development inbox.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminGetUserCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { AuthenticationDetails, CognitoUser, CognitoUserAttribute, CognitoUserPool } from 'amazon-cognito-identity-js';
import { clients, startServer } from './helpers/server.mjs';
import { latestMessage, messages, otherCode } from './helpers/inbox.mjs';
import {
  authenticateUser,
  confirmPassword,
  confirmRegistration,
  forgotPassword,
  rejectsWithCode,
  resendConfirmationCode,
  signUp,
} from './helpers/identity-js.mjs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PASSWORD = 'Passw0rd!';
const CODE_MISMATCH = 'Invalid verification code provided, please try again.';

let server;
let idp;
let poolId;
let clientId;
let userPool;

before(async () => {
  server = await startServer();
  ({ idp } = clients(server.endpoint));
  poolId = (await idp.send(new CreateUserPoolCommand({ PoolName: 'identity-js', AutoVerifiedAttributes: ['email'] }))).UserPool.Id;
  const client = (await idp.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'browser' }))).UserPoolClient;
  assert.equal(client.ClientSecret, undefined, 'the app client is public');
  clientId = client.ClientId;
  userPool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: server.endpoint });
});

after(async () => {
  idp?.destroy();
  await server?.stop();
});

const attrs = (list) => Object.fromEntries(list.map(({ Name, Value }) => [Name, Value]));
const getUser = (Username) => idp.send(new AdminGetUserCommand({ UserPoolId: poolId, Username }));
const emailAttribute = (address) => [new CognitoUserAttribute({ Name: 'email', Value: address })];
const userOf = (username) => new CognitoUser({ Username: username, Pool: userPool });

/** Signs username up with address as its email and returns the sign-up message from the inbox. */
async function signUpWithCode(username, address) {
  await signUp(userPool, username, PASSWORD, emailAttribute(address));
  return latestMessage(server.endpoint, address);
}

test('use case 1: userPool.signUp registers an unconfirmed user and reports where the code went', async () => {
  // Spy on the global fetch the library uses (Node's own: no polyfill).
  const realFetch = globalThis.fetch;
  const requests = [];
  globalThis.fetch = (url, options) => {
    requests.push({ url: String(url), target: options.headers['X-Amz-Target'], authorization: options.headers.Authorization });
    return realFetch(url, options);
  };
  let result;
  try {
    result = await signUp(userPool, 'jane', PASSWORD, [
      new CognitoUserAttribute({ Name: 'email', Value: 'jane@example.com' }),
      new CognitoUserAttribute({ Name: 'given_name', Value: 'Jane' }),
    ]);
  } finally {
    globalThis.fetch = realFetch;
  }
  assert.deepEqual(requests, [{ url: server.endpoint, target: 'AWSCognitoIdentityProviderService.SignUp', authorization: undefined }]);

  assert.ok(result.user instanceof CognitoUser);
  assert.equal(result.user.getUsername(), 'jane');
  assert.equal(result.user.pool, userPool);
  assert.equal(result.userConfirmed, false);
  assert.match(result.userSub, UUID);
  assert.deepEqual(result.codeDeliveryDetails, { AttributeName: 'email', DeliveryMedium: 'EMAIL', Destination: 'j***@e***' });

  const user = await getUser('jane');
  assert.equal(user.UserStatus, 'UNCONFIRMED');
  assert.deepEqual(attrs(user.UserAttributes), { sub: result.userSub, email: 'jane@example.com', email_verified: 'false', given_name: 'Jane' });

  const message = await latestMessage(server.endpoint, 'jane@example.com');
  assert.equal(message.username, 'jane');
  assert.equal(message.poolId, poolId);
  assert.equal(message.subject, 'Your verification code');
  assert.equal(message.body, `Your verification code is ${message.code}. `);

  await rejectsWithCode(signUp(userPool, 'jane', PASSWORD, emailAttribute('jane@example.com')), {
    code: 'UsernameExistsException', message: 'User already exists',
  });
  await rejectsWithCode(signUp(userPool, 'weak', 'PASSW0RD!', emailAttribute('weak@example.com')), {
    code: 'InvalidPasswordException', message: 'Password did not conform with policy: Password must have lowercase characters',
  });
  await assert.rejects(getUser('weak'), { name: 'UserNotFoundException' });
  assert.equal((await messages(server.endpoint, 'jane@example.com')).length, 1, 'the failed sign-ups sent nothing');
});

test('use case 2: cognitoUser.confirmRegistration confirms with the code from the inbox', async () => {
  const message = await signUpWithCode('ken', 'ken@example.com');
  const cognitoUser = userOf('ken');

  await rejectsWithCode(confirmRegistration(cognitoUser, otherCode(message.code)), {
    code: 'CodeMismatchException', message: CODE_MISMATCH,
  });
  assert.equal((await getUser('ken')).UserStatus, 'UNCONFIRMED');

  assert.equal(await confirmRegistration(cognitoUser, message.code, true), 'SUCCESS');
  const user = await getUser('ken');
  assert.equal(user.UserStatus, 'CONFIRMED');
  assert.equal(attrs(user.UserAttributes).email_verified, 'true');
  assert.equal(attrs(user.UserAttributes).email, 'ken@example.com');

  await rejectsWithCode(confirmRegistration(cognitoUser, message.code), {
    code: 'NotAuthorizedException', message: 'User cannot be confirmed. Current status is CONFIRMED',
  });
});

test('use case 3: cognitoUser.resendConfirmationCode sends a new code, which confirms', async () => {
  const first = await signUpWithCode('lea', 'lea@example.com');
  const cognitoUser = userOf('lea');

  const result = await resendConfirmationCode(cognitoUser);
  assert.deepEqual(result, { CodeDeliveryDetails: { AttributeName: 'email', DeliveryMedium: 'EMAIL', Destination: 'l***@e***' } });
  const second = await latestMessage(server.endpoint, 'lea@example.com', { after: first.id });
  assert.notEqual(second.id, first.id);
  assert.equal(second.username, 'lea');
  assert.equal(second.kind, 'ResendCode');
  assert.equal(second.body, `Your verification code is ${second.code}. `);
  assert.deepEqual((await messages(server.endpoint, 'lea@example.com')).map((m) => m.id), [second.id, first.id]);

  assert.equal(await confirmRegistration(cognitoUser, second.code), 'SUCCESS');
  assert.equal((await getUser('lea')).UserStatus, 'CONFIRMED');

  await rejectsWithCode(resendConfirmationCode(cognitoUser), {
    code: 'InvalidParameterException', message: 'User is already confirmed.',
  });
});

test('use case 12: cognitoUser.forgotPassword and confirmPassword reset the password with the inbox code', async () => {
  const signUpMessage = await signUpWithCode('max', 'max@example.com');
  const cognitoUser = userOf('max');

  // Unconfirmed, the email is not verified: no reset.
  await rejectsWithCode(forgotPassword(cognitoUser), {
    code: 'InvalidParameterException',
    message: 'Cannot reset password for the user as there is no registered/verified email or phone_number',
  });
  await confirmRegistration(cognitoUser, signUpMessage.code);

  const { callback, data } = await forgotPassword(cognitoUser);
  assert.equal(callback, 'inputVerificationCode');
  assert.deepEqual(data, { CodeDeliveryDetails: { AttributeName: 'email', DeliveryMedium: 'EMAIL', Destination: 'm***@e***' } });
  const reset = await latestMessage(server.endpoint, 'max@example.com', { after: signUpMessage.id });
  assert.equal(reset.kind, 'ForgotPassword');
  assert.equal(reset.username, 'max');
  assert.match(reset.code, /^\d{6}$/);

  await rejectsWithCode(confirmPassword(cognitoUser, otherCode(reset.code), 'N3w-Passw0rd'), {
    code: 'CodeMismatchException', message: CODE_MISMATCH,
  });
  await rejectsWithCode(confirmPassword(cognitoUser, reset.code, 'N3w-P'), {
    code: 'InvalidPasswordException', message: 'Password does not conform to policy: Password not long enough',
  });
  assert.equal(await confirmPassword(cognitoUser, reset.code, 'N3w-Passw0rd'), 'SUCCESS');
  // The new password signs in (SRP, the library's default); the old one is refused.
  const signedIn = await authenticateUser(userOf('max'), new AuthenticationDetails({ Username: 'max', Password: 'N3w-Passw0rd' }));
  assert.equal(signedIn.callback, 'onSuccess');
  assert.equal(signedIn.session.getIdToken().payload['cognito:username'], 'max');
  await rejectsWithCode(authenticateUser(userOf('max'), new AuthenticationDetails({ Username: 'max', Password: PASSWORD })), {
    code: 'NotAuthorizedException', message: 'Incorrect username or password.',
  });

  // Without an inputVerificationCode callback the library calls onSuccess, and a new code is sent.
  const again = await forgotPassword(cognitoUser, { withInput: false });
  assert.equal(again.callback, 'onSuccess');
  assert.deepEqual(again.data.CodeDeliveryDetails, { AttributeName: 'email', DeliveryMedium: 'EMAIL', Destination: 'm***@e***' });
  const second = await latestMessage(server.endpoint, 'max@example.com', { after: reset.id });
  assert.equal(await confirmPassword(cognitoUser, second.code, 'An0ther-Passw0rd'), 'SUCCESS');

  await rejectsWithCode(forgotPassword(userOf('nobody')), {
    code: 'UserNotFoundException', message: 'Username/client id combination not found.',
  });
});
