import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteUserPoolCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  ListTagsForResourceCommand,
  ResourceNotFoundException,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateUserPoolCommand,
  paginateListUserPools,
} from '@aws-sdk/client-cognito-identity-provider';
import { clients, startServer } from './helpers/server.mjs';
import { assertRecent, rejectsWith } from './helpers/assert.mjs';

const STANDARD_ATTRIBUTES = [
  'sub', 'name', 'given_name', 'family_name', 'middle_name', 'nickname', 'preferred_username',
  'profile', 'picture', 'website', 'email', 'email_verified', 'gender', 'birthdate', 'zoneinfo',
  'locale', 'phone_number', 'phone_number_verified', 'address', 'updated_at',
];
const PROTECTED_MESSAGE =
  'The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first.';

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

const createPool = async (input) => (await idp.send(new CreateUserPoolCommand({ PoolName: 'pool', ...input }))).UserPool;
const describePool = async (id) => (await idp.send(new DescribeUserPoolCommand({ UserPoolId: id }))).UserPool;

test('CreateUserPool with only PoolName applies the Cognito defaults', async () => {
  const out = await idp.send(new CreateUserPoolCommand({ PoolName: 'defaults' }));
  assert.equal(out.$metadata.httpStatusCode, 200);
  const pool = out.UserPool;

  assert.match(pool.Id, /^us-east-1_[0-9A-Za-z]{9}$/);
  assert.match(pool.Arn, /^arn:aws:cognito-idp:us-east-1:\d{12}:userpool\//);
  assert.ok(pool.Arn.endsWith(`:userpool/${pool.Id}`), pool.Arn);
  assert.equal(pool.Name, 'defaults');
  assert.deepEqual(pool.Policies.PasswordPolicy, {
    MinimumLength: 8,
    RequireUppercase: true,
    RequireLowercase: true,
    RequireNumbers: true,
    RequireSymbols: true,
    TemporaryPasswordValidityDays: 7,
  });
  assert.equal(pool.MfaConfiguration, 'OFF');
  assert.equal(pool.DeletionProtection, 'INACTIVE');
  assert.equal(pool.EstimatedNumberOfUsers, 0);
  assert.deepEqual(pool.AdminCreateUserConfig, { AllowAdminCreateUserOnly: false, UnusedAccountValidityDays: 7 });
  assert.equal(pool.AutoVerifiedAttributes, undefined);
  assert.equal(pool.UsernameAttributes, undefined);

  assert.equal(pool.SchemaAttributes.length, 20);
  assert.deepEqual(pool.SchemaAttributes[0], {
    Name: 'sub',
    AttributeDataType: 'String',
    DeveloperOnlyAttribute: false,
    Mutable: false,
    Required: true,
    StringAttributeConstraints: { MinLength: '1', MaxLength: '2048' },
  });
  assert.deepEqual(pool.SchemaAttributes.map((a) => a.Name).sort(), [...STANDARD_ATTRIBUTES].sort());
  const byName = Object.fromEntries(pool.SchemaAttributes.map((a) => [a.Name, a]));
  assert.equal(byName.email_verified.AttributeDataType, 'Boolean');
  assert.equal(byName.updated_at.AttributeDataType, 'Number');

  assertRecent(pool.CreationDate, 'CreationDate');
  assert.equal(pool.LastModifiedDate.getTime(), pool.CreationDate.getTime());

  const described = await describePool(pool.Id);
  assert.equal(described.Name, 'defaults');
  assert.equal(described.Arn, pool.Arn);
  assert.equal(described.SchemaAttributes.length, 20);
  assert.equal(described.CreationDate.getTime(), pool.CreationDate.getTime());
});

test('CreateUserPool keeps the settings it is given', async () => {
  const { Id } = await createPool({
    PoolName: 'full',
    Policies: { PasswordPolicy: { MinimumLength: 12, RequireNumbers: true, TemporaryPasswordValidityDays: 3 } },
    UsernameAttributes: ['email'],
    AutoVerifiedAttributes: ['email'],
    DeletionProtection: 'ACTIVE',
    UserPoolTags: { team: 'auth' },
    Schema: [
      { Name: 'tenant', AttributeDataType: 'String', StringAttributeConstraints: { MinLength: '1', MaxLength: '64' } },
    ],
  });
  const pool = await describePool(Id);
  assert.equal(pool.Name, 'full');
  assert.deepEqual(pool.Policies.PasswordPolicy, {
    MinimumLength: 12,
    RequireUppercase: false,
    RequireLowercase: false,
    RequireNumbers: true,
    RequireSymbols: false,
    TemporaryPasswordValidityDays: 3,
  });
  assert.deepEqual(pool.UsernameAttributes, ['email']);
  assert.deepEqual(pool.AutoVerifiedAttributes, ['email']);
  assert.equal(pool.DeletionProtection, 'ACTIVE');
  assert.deepEqual(pool.UserPoolTags, { team: 'auth' });
  assert.equal(pool.SchemaAttributes.length, 21);
  const tenant = pool.SchemaAttributes.find((a) => a.Name === 'custom:tenant');
  assert.ok(tenant, 'custom:tenant is missing from the schema');
  assert.equal(tenant.Mutable, true);
  assert.deepEqual(tenant.StringAttributeConstraints, { MinLength: '1', MaxLength: '64' });
});

test('UpdateUserPool applies the update and resets omitted settings', async () => {
  const created = await createPool({
    PoolName: 'upd',
    AutoVerifiedAttributes: ['email'],
    AliasAttributes: ['email'],
    EmailVerificationSubject: 'Hello',
    UserPoolTags: { k: 'v' },
  });
  await sleep(20);
  const out = await idp.send(new UpdateUserPoolCommand({
    UserPoolId: created.Id,
    DeletionProtection: 'ACTIVE',
    Policies: { PasswordPolicy: { MinimumLength: 10 } },
  }));
  assert.equal(out.$metadata.httpStatusCode, 200);

  const pool = await describePool(created.Id);
  assert.equal(pool.Policies.PasswordPolicy.MinimumLength, 10);
  assert.equal(pool.DeletionProtection, 'ACTIVE');
  assert.equal(pool.AutoVerifiedAttributes, undefined, 'AutoVerifiedAttributes was not reset');
  assert.equal(pool.EmailVerificationSubject, undefined, 'EmailVerificationSubject was not reset');
  // Settings UpdateUserPool cannot change stay as they were.
  assert.equal(pool.Name, 'upd');
  assert.deepEqual(pool.AliasAttributes, ['email']);
  assert.deepEqual(pool.UserPoolTags, { k: 'v' });
  assert.equal(pool.CreationDate.getTime(), created.CreationDate.getTime());
  assert.ok(pool.LastModifiedDate > pool.CreationDate, 'LastModifiedDate did not move');

  await rejectsWith(idp.send(new UpdateUserPoolCommand({ UserPoolId: 'us-east-1_missing1' })), {
    name: 'ResourceNotFoundException',
    message: 'User pool us-east-1_missing1 does not exist.',
  });
});

test('deletion protection blocks DeleteUserPool until it is inactivated', async () => {
  const { Id } = await createPool({ PoolName: 'protected', DeletionProtection: 'ACTIVE' });
  await rejectsWith(idp.send(new DeleteUserPoolCommand({ UserPoolId: Id })), {
    name: 'InvalidParameterException',
    message: PROTECTED_MESSAGE,
  });
  assert.equal((await describePool(Id)).Name, 'protected');

  await idp.send(new UpdateUserPoolCommand({ UserPoolId: Id, DeletionProtection: 'INACTIVE' }));
  const { UserPoolClient } = await idp.send(new CreateUserPoolClientCommand({ UserPoolId: Id, ClientName: 'c' }));
  const deleted = await idp.send(new DeleteUserPoolCommand({ UserPoolId: Id }));
  assert.equal(deleted.$metadata.httpStatusCode, 200);

  const gone = { name: 'ResourceNotFoundException', message: `User pool ${Id} does not exist.`, type: ResourceNotFoundException };
  await rejectsWith(idp.send(new DescribeUserPoolCommand({ UserPoolId: Id })), gone);
  await rejectsWith(idp.send(new DescribeUserPoolClientCommand({ UserPoolId: Id, ClientId: UserPoolClient.ClientId })), gone);
  await rejectsWith(idp.send(new DeleteUserPoolCommand({ UserPoolId: Id })), gone);
});

test('ListUserPools pages through every pool once', async () => {
  const created = new Map();
  for (let i = 0; i < 7; i++) created.set((await createPool({ PoolName: `page-${i}` })).Id, `page-${i}`);

  const seen = new Map();
  const sizes = [];
  for await (const page of paginateListUserPools({ client: idp, pageSize: 3 }, { MaxResults: 3 })) {
    sizes.push(page.UserPools.length);
    for (const pool of page.UserPools) {
      assert.ok(!seen.has(pool.Id), `pool ${pool.Id} listed twice`);
      assert.ok(pool.CreationDate instanceof Date);
      seen.set(pool.Id, pool.Name);
    }
  }
  for (const [id, name] of created) assert.equal(seen.get(id), name, `pool ${id} missing from the listing`);
  // Every page but the last is full, and the last is not empty.
  const total = seen.size;
  const expected = Array.from({ length: Math.ceil(total / 3) }, (_, i) => Math.min(3, total - 3 * i));
  assert.deepEqual(sizes, expected);
  assert.ok(sizes.length >= 3, `${sizes.length} pages`);
});

test('tags round trip through TagResource, ListTagsForResource, UntagResource and DescribeUserPool', async () => {
  const { Id, Arn } = await createPool({ PoolName: 'tags', UserPoolTags: { a: '1' } });

  await idp.send(new TagResourceCommand({ ResourceArn: Arn, Tags: { b: '2', a: '3' } }));
  const listed = await idp.send(new ListTagsForResourceCommand({ ResourceArn: Arn }));
  assert.deepEqual(listed.Tags, { a: '3', b: '2' });
  assert.deepEqual((await describePool(Id)).UserPoolTags, { a: '3', b: '2' });

  await idp.send(new UntagResourceCommand({ ResourceArn: Arn, TagKeys: ['a', 'missing'] }));
  assert.deepEqual((await idp.send(new ListTagsForResourceCommand({ ResourceArn: Arn }))).Tags, { b: '2' });
  assert.deepEqual((await describePool(Id)).UserPoolTags, { b: '2' });

  const missingArn = Arn.replace(Id, 'us-east-1_nopool123');
  await rejectsWith(idp.send(new ListTagsForResourceCommand({ ResourceArn: missingArn })), {
    name: 'ResourceNotFoundException',
    message: 'User pool us-east-1_nopool123 does not exist.',
  });
});
