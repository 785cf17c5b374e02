import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteUserPoolClientCommand,
  DescribeUserPoolClientCommand,
  ListUserPoolClientsCommand,
  ResourceNotFoundException,
  UpdateUserPoolClientCommand,
  paginateListUserPoolClients,
} from '@aws-sdk/client-cognito-identity-provider';
import { clients, startServer } from './helpers/server.mjs';
import { assertRecent, rejectsWith } from './helpers/assert.mjs';

let server;
let idp;

before(async () => {
  server = await startServer();
  ({ idp } = clients(server.endpoint));
});

after(async () => {
  idp?.destroy();
  await server?.stop();
});

const newPool = async () => (await idp.send(new CreateUserPoolCommand({ PoolName: 'pool' }))).UserPool.Id;
const createClient = async (input) => (await idp.send(new CreateUserPoolClientCommand(input))).UserPoolClient;
const describeClient = async (UserPoolId, ClientId) =>
  (await idp.send(new DescribeUserPoolClientCommand({ UserPoolId, ClientId }))).UserPoolClient;

test('CreateUserPoolClient applies the Cognito defaults', async () => {
  const pool = await newPool();
  const client = await createClient({ UserPoolId: pool, ClientName: 'web' });

  assert.match(client.ClientId, /^[a-z0-9]{26}$/);
  assert.equal(client.UserPoolId, pool);
  assert.equal(client.ClientName, 'web');
  assert.equal(client.ClientSecret, undefined);
  assert.equal(client.RefreshTokenValidity, 30);
  assert.equal(client.AccessTokenValidity, undefined);
  assert.equal(client.IdTokenValidity, undefined);
  assert.equal(client.AuthSessionValidity, 3);
  assert.equal(client.EnableTokenRevocation, true);
  assert.equal(client.AllowedOAuthFlowsUserPoolClient, false);
  assert.equal(client.ExplicitAuthFlows, undefined);
  assertRecent(client.CreationDate, 'CreationDate');
  assert.equal(client.LastModifiedDate.getTime(), client.CreationDate.getTime());

  const described = await describeClient(pool, client.ClientId);
  assert.equal(described.ClientName, 'web');
  assert.equal(described.ClientSecret, undefined);
  assert.equal(described.RefreshTokenValidity, 30);
  assert.equal(described.CreationDate.getTime(), client.CreationDate.getTime());
});

test('GenerateSecret creates a secret that DescribeUserPoolClient returns again', async () => {
  const pool = await newPool();
  const client = await createClient({
    UserPoolId: pool,
    ClientName: 'server',
    GenerateSecret: true,
    ExplicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    AccessTokenValidity: 15,
    TokenValidityUnits: { AccessToken: 'minutes' },
    ReadAttributes: ['email', 'name'],
  });
  assert.match(client.ClientSecret, /^[a-z0-9]{51}$/);

  const described = await describeClient(pool, client.ClientId);
  assert.equal(described.ClientSecret, client.ClientSecret);
  assert.equal(described.AccessTokenValidity, 15);
  assert.equal(described.TokenValidityUnits.AccessToken, 'minutes');
  assert.deepEqual([...described.ExplicitAuthFlows].sort(), ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
  assert.deepEqual(described.ReadAttributes, ['email', 'name']);

  const other = await createClient({ UserPoolId: pool, ClientName: 'server2', GenerateSecret: true });
  assert.notEqual(other.ClientSecret, client.ClientSecret);
  assert.notEqual(other.ClientId, client.ClientId);
});

test('UpdateUserPoolClient resets omitted settings and keeps the identity', async () => {
  const pool = await newPool();
  const created = await createClient({
    UserPoolId: pool,
    ClientName: 'app',
    GenerateSecret: true,
    ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'],
    IdTokenValidity: 2,
  });
  await sleep(20);

  const { UserPoolClient: updated } = await idp.send(new UpdateUserPoolClientCommand({
    UserPoolId: pool, ClientId: created.ClientId, RefreshTokenValidity: 7,
  }));
  assert.equal(updated.RefreshTokenValidity, 7);
  assert.equal(updated.ExplicitAuthFlows, undefined, 'ExplicitAuthFlows was not reset');
  assert.equal(updated.IdTokenValidity, undefined, 'IdTokenValidity was not reset');
  assert.equal(updated.ClientName, 'app');
  assert.equal(updated.ClientSecret, created.ClientSecret);
  assert.equal(updated.CreationDate.getTime(), created.CreationDate.getTime());
  assert.ok(updated.LastModifiedDate > created.LastModifiedDate, 'LastModifiedDate did not move');

  await idp.send(new UpdateUserPoolClientCommand({ UserPoolId: pool, ClientId: created.ClientId, ClientName: 'renamed' }));
  const described = await describeClient(pool, created.ClientId);
  assert.equal(described.ClientName, 'renamed');
  assert.equal(described.RefreshTokenValidity, 30, 'RefreshTokenValidity was not reset to its default');
  assert.equal(described.ClientSecret, created.ClientSecret);
});

test('DeleteUserPoolClient removes the client', async () => {
  const pool = await newPool();
  const { ClientId } = await createClient({ UserPoolId: pool, ClientName: 'doomed' });
  const keep = await createClient({ UserPoolId: pool, ClientName: 'kept' });

  const out = await idp.send(new DeleteUserPoolClientCommand({ UserPoolId: pool, ClientId }));
  assert.equal(out.$metadata.httpStatusCode, 200);

  const gone = { name: 'ResourceNotFoundException', message: `User pool client ${ClientId} does not exist.`, type: ResourceNotFoundException };
  await rejectsWith(idp.send(new DescribeUserPoolClientCommand({ UserPoolId: pool, ClientId })), gone);
  await rejectsWith(idp.send(new DeleteUserPoolClientCommand({ UserPoolId: pool, ClientId })), gone);
  await rejectsWith(idp.send(new UpdateUserPoolClientCommand({ UserPoolId: pool, ClientId })), gone);

  const listed = await idp.send(new ListUserPoolClientsCommand({ UserPoolId: pool, MaxResults: 60 }));
  assert.deepEqual(listed.UserPoolClients, [{ ClientId: keep.ClientId, UserPoolId: pool, ClientName: 'kept' }]);
});

test('ListUserPoolClients pages through the clients of one pool', async () => {
  const pool = await newPool();
  const other = await newPool();
  const created = new Map();
  for (let i = 0; i < 5; i++) {
    const c = await createClient({ UserPoolId: pool, ClientName: `c${i}` });
    created.set(c.ClientId, c.ClientName);
  }
  await createClient({ UserPoolId: other, ClientName: 'elsewhere' });

  const seen = new Map();
  const sizes = [];
  for await (const page of paginateListUserPoolClients({ client: idp, pageSize: 2 }, { UserPoolId: pool, MaxResults: 2 })) {
    sizes.push(page.UserPoolClients.length);
    for (const c of page.UserPoolClients) {
      assert.equal(c.UserPoolId, pool);
      assert.equal(c.ClientSecret, undefined);
      assert.ok(!seen.has(c.ClientId), `client ${c.ClientId} listed twice`);
      seen.set(c.ClientId, c.ClientName);
    }
  }
  assert.deepEqual(sizes, [2, 2, 1]);
  assert.deepEqual(seen, created);

  await rejectsWith(idp.send(new ListUserPoolClientsCommand({ UserPoolId: 'us-east-1_nopool123', MaxResults: 10 })), {
    name: 'ResourceNotFoundException',
    message: 'User pool us-east-1_nopool123 does not exist.',
  });
});
