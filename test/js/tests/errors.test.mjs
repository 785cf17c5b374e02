import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CognitoIdentityProviderServiceException,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  InvalidParameterException,
  ListUserPoolsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoIdentityServiceException, ListIdentityPoolsCommand } from '@aws-sdk/client-cognito-identity';
import { clients, startServer } from './helpers/server.mjs';
import { rejectsWith } from './helpers/assert.mjs';

let server;
let idp;
let identity;

before(async () => {
  server = await startServer();
  ({ idp, identity } = clients(server.endpoint));
});

after(async () => {
  idp?.destroy();
  identity?.destroy();
  await server?.stop();
});

const newPool = async () => (await idp.send(new CreateUserPoolCommand({ PoolName: 'pool' }))).UserPool.Id;

test('a missing user pool is a typed ResourceNotFoundException with HTTP 400', async () => {
  const err = await rejectsWith(idp.send(new DescribeUserPoolCommand({ UserPoolId: 'us-east-1_nopool123' })), {
    name: 'ResourceNotFoundException',
    message: 'User pool us-east-1_nopool123 does not exist.',
    type: ResourceNotFoundException,
  });
  assert.ok(err instanceof CognitoIdentityProviderServiceException);
  assert.equal(err.$metadata.attempts, 1);

  await rejectsWith(idp.send(new CreateUserPoolClientCommand({ UserPoolId: 'us-east-1_nopool123', ClientName: 'x' })), {
    name: 'ResourceNotFoundException',
    message: 'User pool us-east-1_nopool123 does not exist.',
    type: ResourceNotFoundException,
  });
});

test('a missing client in an existing pool names the client', async () => {
  const pool = await newPool();
  await rejectsWith(idp.send(new DescribeUserPoolClientCommand({ UserPoolId: pool, ClientId: 'nosuchclient0000000000000' })), {
    name: 'ResourceNotFoundException',
    message: 'User pool client nosuchclient0000000000000 does not exist.',
    type: ResourceNotFoundException,
  });
});

test('ListUserPools rejects MaxResults above 60', async () => {
  await rejectsWith(idp.send(new ListUserPoolsCommand({ MaxResults: 61 })), {
    name: 'InvalidParameterException',
    message: "1 validation error detected: Value '61' at 'maxResults' failed to satisfy constraint: " +
      'Member must have value less than or equal to 60',
    type: InvalidParameterException,
  });
  const ok = await idp.send(new ListUserPoolsCommand({ MaxResults: 60 }));
  assert.ok(Array.isArray(ok.UserPools));
});

test('CreateUserPool validates its input', async () => {
  await rejectsWith(idp.send(new CreateUserPoolCommand({ PoolName: 'p', Policies: { PasswordPolicy: { MinimumLength: 4 } } })), {
    name: 'InvalidParameterException',
    message: "1 validation error detected: Value '4' at 'policies.passwordPolicy.minimumLength' failed to satisfy constraint: " +
      'Member must have value greater than or equal to 6',
    type: InvalidParameterException,
  });
  await rejectsWith(idp.send(new CreateUserPoolCommand({ PoolName: 'p', AliasAttributes: ['email'], UsernameAttributes: ['email'] })), {
    name: 'InvalidParameterException',
    message: 'Only one of the aliasAttributes or usernameAttributes can be set in a User pool.',
  });
  await rejectsWith(idp.send(new CreateUserPoolCommand({ PoolName: 'n'.repeat(129) })), {
    name: 'InvalidParameterException',
    message: /Member must have length less than or equal to 128/,
  });
});

test('token validity out of range is rejected', async () => {
  const pool = await newPool();
  const invalidRange = { name: 'InvalidParameterException', message: 'Invalid range for token validity.', type: InvalidParameterException };
  const create = (input) => idp.send(new CreateUserPoolClientCommand({ UserPoolId: pool, ClientName: 'c', ...input }));

  await rejectsWith(create({ AccessTokenValidity: 2, TokenValidityUnits: { AccessToken: 'days' } }), invalidRange);
  await rejectsWith(create({ AccessTokenValidity: 4, TokenValidityUnits: { AccessToken: 'minutes' } }), invalidRange);
  await rejectsWith(create({ TokenValidityUnits: { IdToken: 'minutes' } }), invalidRange);
  await rejectsWith(create({ IdTokenValidity: 23, RefreshTokenValidity: 60, TokenValidityUnits: { RefreshToken: 'minutes' } }), {
    name: 'InvalidParameterException',
    message: 'Access and Id Token expiration times must be less than or equal to refresh token expiration times.',
  });
  // The limits themselves are accepted: 5 minutes and 1 day.
  await create({ AccessTokenValidity: 5, TokenValidityUnits: { AccessToken: 'minutes' } });
  await create({ AccessTokenValidity: 1, TokenValidityUnits: { AccessToken: 'days' } });
});

test('an unimplemented operation answers NotImplementedException naming it', async () => {
  const err = await rejectsWith(identity.send(new ListIdentityPoolsCommand({ MaxResults: 10 })), {
    name: 'NotImplementedException',
    message: 'Gognito does not implement AWSCognitoIdentityService.ListIdentityPools yet.',
    type: CognitoIdentityServiceException,
  });
  assert.ok(!(err instanceof CognitoIdentityProviderServiceException));
});

test('the x-amzn-requestid header is exposed as $metadata.requestId', async () => {
  const first = await idp.send(new ListUserPoolsCommand({ MaxResults: 1 }));
  const second = await idp.send(new ListUserPoolsCommand({ MaxResults: 1 }));
  assert.equal(first.$metadata.httpStatusCode, 200);
  assert.equal(typeof first.$metadata.requestId, 'string');
  assert.ok(first.$metadata.requestId.length > 0, 'empty request id');
  assert.notEqual(first.$metadata.requestId, second.$metadata.requestId);
});
