import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  CodeMismatchException,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ExpiredCodeException,
  ForgotPasswordCommand,
  GroupExistsException,
  InitiateAuthCommand,
  InvalidParameterException,
  InvalidPasswordException,
  ListUsersCommand,
  ListUsersInGroupCommand,
  NotAuthorizedException,
  ResendConfirmationCodeCommand,
  ResourceNotFoundException,
  SignUpCommand,
  UserNotFoundException,
  UsernameExistsException,
  paginateListUsers,
} from '@aws-sdk/client-cognito-identity-provider';
import { clients, startServer } from './helpers/server.mjs';
import { assertRecent, rejectsWith } from './helpers/assert.mjs';
import { latestCode, latestMessage, messages, otherCode } from './helpers/inbox.mjs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PASSWORD = 'Passw0rd!';

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

/** A pool that sends sign-up codes by email, and a public app client (no secret) of it. */
async function newPool(input = {}) {
  const pool = (await idp.send(new CreateUserPoolCommand({
    PoolName: 'users', AutoVerifiedAttributes: ['email'], ...input,
  }))).UserPool;
  const client = (await idp.send(new CreateUserPoolClientCommand({ UserPoolId: pool.Id, ClientName: 'web' }))).UserPoolClient;
  return { poolId: pool.Id, clientId: client.ClientId };
}

/** Attributes as a { name: value } object. */
const attrs = (list) => Object.fromEntries(list.map(({ Name, Value }) => [Name, Value]));
const email = (address) => [{ Name: 'email', Value: address }];
const getUser = (UserPoolId, Username) => idp.send(new AdminGetUserCommand({ UserPoolId, Username }));
const createUser = (UserPoolId, Username, input = {}) => idp.send(new AdminCreateUserCommand({
  UserPoolId, Username, MessageAction: 'SUPPRESS', TemporaryPassword: 'Temp0rary!', ...input,
}));

test('AdminCreateUser with MessageAction SUPPRESS creates a FORCE_CHANGE_PASSWORD user and sends nothing', async () => {
  const { poolId } = await newPool();
  const out = await idp.send(new AdminCreateUserCommand({
    UserPoolId: poolId,
    Username: 'alice',
    TemporaryPassword: 'Temp0rary!',
    MessageAction: 'SUPPRESS',
    UserAttributes: [{ Name: 'email', Value: 'alice@example.com' }, { Name: 'given_name', Value: 'Alice' }],
  }));
  assert.equal(out.$metadata.httpStatusCode, 200);
  const user = out.User;
  assert.equal(user.Username, 'alice');
  assert.equal(user.UserStatus, 'FORCE_CHANGE_PASSWORD');
  assert.equal(user.Enabled, true);
  assertRecent(user.UserCreateDate, 'UserCreateDate');
  assert.equal(user.UserLastModifiedDate.getTime(), user.UserCreateDate.getTime());
  const a = attrs(user.Attributes);
  assert.match(a.sub, UUID);
  assert.deepEqual(a, { sub: a.sub, email: 'alice@example.com', given_name: 'Alice' });

  assert.deepEqual(await messages(server.endpoint, 'alice@example.com'), []);

  await rejectsWith(createUser(poolId, 'alice'), {
    name: 'UsernameExistsException', message: 'User account already exists', type: UsernameExistsException,
  });
});

test('AdminCreateUser with DesiredDeliveryMediums EMAIL sends the invitation with a temporary password', async () => {
  const { poolId } = await newPool();

  // A generated temporary password.
  const carol = (await idp.send(new AdminCreateUserCommand({
    UserPoolId: poolId, Username: 'carol', DesiredDeliveryMediums: ['EMAIL'], UserAttributes: email('carol@example.com'),
  }))).User;
  assert.equal(carol.UserStatus, 'FORCE_CHANGE_PASSWORD');
  const invitation = await latestMessage(server.endpoint, 'carol@example.com');
  assert.equal(invitation.poolId, poolId);
  assert.equal(invitation.username, 'carol');
  assert.equal(invitation.channel, 'EMAIL');
  assert.equal(invitation.destination, 'carol@example.com');
  assert.equal(invitation.kind, 'AdminCreateUser');
  assert.equal(invitation.subject, 'Your temporary password');
  const match = /^Your username is carol and temporary password is (\S+)\. $/.exec(invitation.body);
  assert.ok(match, `unexpected invitation body ${JSON.stringify(invitation.body)}`);
  const temporary = match[1];
  // The default policy: at least 8 characters with lower case, upper case, digits and symbols.
  assert.ok(temporary.length >= 8, temporary);
  for (const re of [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/]) assert.match(temporary, re);
  assert.ok(!Number.isNaN(Date.parse(invitation.createdAt)), invitation.createdAt);

  // The given temporary password, verbatim.
  await idp.send(new AdminCreateUserCommand({
    UserPoolId: poolId, Username: 'dave', TemporaryPassword: 'Welcome-1A', DesiredDeliveryMediums: ['EMAIL'],
    UserAttributes: email('dave@example.com'),
  }));
  const list = await messages(server.endpoint, 'dave@example.com');
  assert.equal(list.length, 1);
  assert.equal(list[0].body, 'Your username is dave and temporary password is Welcome-1A. ');
  assert.equal(list[0].username, 'dave');
  assert.ok(list[0].id > invitation.id, 'message ids increase');
});

test('AdminGetUser returns the user, and UserNotFoundException for an unknown one', async () => {
  const { poolId } = await newPool();
  const created = (await createUser(poolId, 'erin', {
    UserAttributes: [...email('erin@example.com'), { Name: 'family_name', Value: 'Ernst' }],
  })).User;

  const out = await getUser(poolId, 'erin');
  assert.equal(out.Username, 'erin');
  assert.equal(out.UserStatus, 'FORCE_CHANGE_PASSWORD');
  assert.equal(out.Enabled, true);
  assert.deepEqual(attrs(out.UserAttributes), attrs(created.Attributes));
  assert.deepEqual(attrs(out.UserAttributes), {
    sub: attrs(created.Attributes).sub, email: 'erin@example.com', family_name: 'Ernst',
  });
  assert.equal(out.UserCreateDate.getTime(), created.UserCreateDate.getTime());

  await rejectsWith(getUser(poolId, 'nobody'), {
    name: 'UserNotFoundException', message: 'User does not exist.', type: UserNotFoundException,
  });
});

test('ListUsers filters by exact value and by prefix, and paginates', async () => {
  const { poolId } = await newPool();
  const people = [
    ['u1', 'ann@example.com', 'Smith'],
    ['u2', 'ben@example.com', 'Smithers'],
    ['u3', 'cat@example.org', 'Jones'],
    ['u4', 'dan@example.org', 'Small'],
    ['u5', 'eve@example.com', 'Brown'],
  ];
  for (const [username, address, family] of people) {
    await createUser(poolId, username, { UserAttributes: [...email(address), { Name: 'family_name', Value: family }] });
  }
  const list = async (Filter, extra = {}) =>
    (await idp.send(new ListUsersCommand({ UserPoolId: poolId, Filter, ...extra }))).Users;
  const names = (users) => users.map((u) => u.Username).sort();

  assert.deepEqual(names(await list(undefined)), ['u1', 'u2', 'u3', 'u4', 'u5']);

  const byEmail = await list('email = "cat@example.org"');
  assert.deepEqual(names(byEmail), ['u3']);
  assert.deepEqual(attrs(byEmail[0].Attributes).family_name, 'Jones');
  assert.equal(byEmail[0].UserStatus, 'FORCE_CHANGE_PASSWORD');

  assert.deepEqual(names(await list('family_name ^= "Sm"')), ['u1', 'u2', 'u4']);
  assert.deepEqual(names(await list('family_name = "Smith"')), ['u1']);
  assert.deepEqual(names(await list('email ^= "e"')), ['u5']);
  assert.deepEqual(names(await list('username = "u2"')), ['u2']);
  assert.deepEqual(names(await list('cognito:user_status = "FORCE_CHANGE_PASSWORD"')), ['u1', 'u2', 'u3', 'u4', 'u5']);
  assert.deepEqual(names(await list('cognito:user_status = "CONFIRMED"')), []);
  assert.deepEqual(names(await list('email = "nobody@example.com"')), []);

  // AttributesToGet narrows the attributes returned.
  const narrowed = await list('family_name = "Jones"', { AttributesToGet: ['email'] });
  assert.deepEqual(narrowed[0].Attributes, [{ Name: 'email', Value: 'cat@example.org' }]);

  // Two at a time: every user exactly once, in pages of 2, 2 and 1.
  const pages = [];
  for await (const page of paginateListUsers({ client: idp, pageSize: 2 }, { UserPoolId: poolId, Limit: 2 })) {
    pages.push(page.Users.map((u) => u.Username));
  }
  assert.deepEqual(pages.map((p) => p.length), [2, 2, 1]);
  assert.deepEqual(pages.flat().sort(), ['u1', 'u2', 'u3', 'u4', 'u5']);

  // A filtered listing paginates over the matches only.
  const filtered = [];
  for await (const page of paginateListUsers({ client: idp }, { UserPoolId: poolId, Limit: 2, Filter: 'family_name ^= "Sm"' })) {
    filtered.push(page.Users.map((u) => u.Username));
  }
  assert.deepEqual(filtered.flat().sort(), ['u1', 'u2', 'u4']);
  assert.equal(filtered[0].length, 2);

  await rejectsWith(list('email == nonsense'), {
    name: 'InvalidParameterException', message: 'Error while parsing filter.', type: InvalidParameterException,
  });
});

test('groups: CreateGroup, AdminAddUserToGroup, AdminListGroupsForUser, ListUsersInGroup', async () => {
  const { poolId } = await newPool();
  for (const name of ['gina', 'hank', 'ivan']) await createUser(poolId, name, { UserAttributes: email(`${name}@example.com`) });

  const admins = (await idp.send(new CreateGroupCommand({
    UserPoolId: poolId, GroupName: 'admins', Description: 'Administrators', Precedence: 1,
  }))).Group;
  assert.equal(admins.GroupName, 'admins');
  assert.equal(admins.UserPoolId, poolId);
  assert.equal(admins.Description, 'Administrators');
  assert.equal(admins.Precedence, 1);
  assertRecent(admins.CreationDate, 'CreationDate');
  assertRecent(admins.LastModifiedDate, 'LastModifiedDate');
  await idp.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'editors' }));

  await rejectsWith(idp.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'admins' })), {
    name: 'GroupExistsException', message: 'A group with the name admins already exists.', type: GroupExistsException,
  });

  const add = (Username, GroupName) => idp.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username, GroupName }));
  await add('gina', 'admins');
  await add('hank', 'admins');
  await add('gina', 'editors');
  await add('gina', 'editors'); // adding again is a no-op

  const groupsOf = async (Username) => (await idp.send(new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username })))
    .Groups.map((g) => g.GroupName).sort();
  const membersOf = async (GroupName) => (await idp.send(new ListUsersInGroupCommand({ UserPoolId: poolId, GroupName })))
    .Users.map((u) => u.Username).sort();

  assert.deepEqual(await groupsOf('gina'), ['admins', 'editors']);
  assert.deepEqual(await groupsOf('hank'), ['admins']);
  assert.deepEqual(await groupsOf('ivan'), []);
  assert.deepEqual(await membersOf('admins'), ['gina', 'hank']);
  assert.deepEqual(await membersOf('editors'), ['gina']);

  const members = (await idp.send(new ListUsersInGroupCommand({ UserPoolId: poolId, GroupName: 'editors' }))).Users;
  assert.equal(members[0].UserStatus, 'FORCE_CHANGE_PASSWORD');
  assert.equal(attrs(members[0].Attributes).email, 'gina@example.com');

  await idp.send(new AdminRemoveUserFromGroupCommand({ UserPoolId: poolId, Username: 'gina', GroupName: 'admins' }));
  assert.deepEqual(await groupsOf('gina'), ['editors']);
  assert.deepEqual(await membersOf('admins'), ['hank']);

  await rejectsWith(add('gina', 'nogroup'), {
    name: 'ResourceNotFoundException', message: 'Group not found.', type: ResourceNotFoundException,
  });
  await rejectsWith(add('nobody', 'admins'), {
    name: 'UserNotFoundException', message: 'User does not exist.', type: UserNotFoundException,
  });
});

test('SignUp sends a code that ConfirmSignUp accepts; the user becomes CONFIRMED with a verified email', async () => {
  const { poolId, clientId } = await newPool();
  const signUp = (Username, Password = PASSWORD, Email = 'jane@example.com') =>
    idp.send(new SignUpCommand({ ClientId: clientId, Username, Password, UserAttributes: email(Email) }));

  const out = await signUp('jane');
  assert.equal(out.UserConfirmed, false);
  assert.match(out.UserSub, UUID);
  assert.deepEqual(out.CodeDeliveryDetails, { AttributeName: 'email', DeliveryMedium: 'EMAIL', Destination: 'j***@e***' });

  const message = await latestMessage(server.endpoint, 'jane@example.com');
  assert.equal(message.subject, 'Your verification code');
  assert.match(message.code, /^\d{6}$/);
  assert.equal(message.body, `Your verification code is ${message.code}. `);
  assert.equal(message.username, 'jane');
  assert.equal(message.poolId, poolId);
  assert.equal(message.kind, 'SignUp');

  const before = await getUser(poolId, 'jane');
  assert.equal(before.UserStatus, 'UNCONFIRMED');
  assert.equal(attrs(before.UserAttributes).sub, out.UserSub);
  assert.notEqual(attrs(before.UserAttributes).email_verified, 'true');

  await rejectsWith(signUp('jane'), { name: 'UsernameExistsException', message: 'User already exists', type: UsernameExistsException });
  await rejectsWith(signUp('weak', 'passw0rd!', 'weak@example.com'), {
    name: 'InvalidPasswordException',
    message: 'Password did not conform with policy: Password must have uppercase characters',
    type: InvalidPasswordException,
  });
  assert.deepEqual(await messages(server.endpoint, 'weak@example.com'), []);

  const confirm = (ConfirmationCode) => idp.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'jane', ConfirmationCode }));
  await rejectsWith(confirm(otherCode(message.code)), {
    name: 'CodeMismatchException', message: 'Invalid verification code provided, please try again.', type: CodeMismatchException,
  });
  assert.equal((await getUser(poolId, 'jane')).UserStatus, 'UNCONFIRMED');

  await confirm(message.code);
  const confirmed = await getUser(poolId, 'jane');
  assert.equal(confirmed.UserStatus, 'CONFIRMED');
  assert.deepEqual(attrs(confirmed.UserAttributes), { sub: out.UserSub, email: 'jane@example.com', email_verified: 'true' });

  await rejectsWith(confirm(message.code), {
    name: 'NotAuthorizedException', message: 'User cannot be confirmed. Current status is CONFIRMED', type: NotAuthorizedException,
  });
  await rejectsWith(idp.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: 'jane' })), {
    name: 'InvalidParameterException', message: 'User is already confirmed.', type: InvalidParameterException,
  });
});

test('ResendConfirmationCode sends a new code, which confirms', async () => {
  const { poolId, clientId } = await newPool();
  await idp.send(new SignUpCommand({ ClientId: clientId, Username: 'kim', Password: PASSWORD, UserAttributes: email('kim@example.com') }));
  const first = await latestMessage(server.endpoint, 'kim@example.com');

  const resent = await idp.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: 'kim' }));
  assert.deepEqual(resent.CodeDeliveryDetails, { AttributeName: 'email', DeliveryMedium: 'EMAIL', Destination: 'k***@e***' });
  const second = await latestMessage(server.endpoint, 'kim@example.com', { after: first.id });
  assert.equal(second.kind, 'ResendCode');
  assert.equal(second.username, 'kim');
  assert.equal(second.subject, 'Your verification code');
  assert.equal(second.body, `Your verification code is ${second.code}. `);
  assert.deepEqual((await messages(server.endpoint, 'kim@example.com')).map((m) => m.id), [second.id, first.id]);

  await idp.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'kim', ConfirmationCode: second.code }));
  assert.equal((await getUser(poolId, 'kim')).UserStatus, 'CONFIRMED');
});

test('ForgotPassword sends a reset code that ConfirmForgotPassword accepts once', async () => {
  const { poolId, clientId } = await newPool();
  const username = 'liz';
  const address = 'liz@example.com';
  await idp.send(new SignUpCommand({ ClientId: clientId, Username: username, Password: PASSWORD, UserAttributes: email(address) }));
  const forgot = () => idp.send(new ForgotPasswordCommand({ ClientId: clientId, Username: username }));

  // Without a verified email there is nowhere to send the code.
  await rejectsWith(forgot(), {
    name: 'InvalidParameterException',
    message: 'Cannot reset password for the user as there is no registered/verified email or phone_number',
    type: InvalidParameterException,
  });

  await idp.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: username, ConfirmationCode: await latestCode(server.endpoint, address) }));
  const signUpMessage = await latestMessage(server.endpoint, address);

  const out = await forgot();
  assert.deepEqual(out.CodeDeliveryDetails, { AttributeName: 'email', DeliveryMedium: 'EMAIL', Destination: 'l***@e***' });
  const reset = await latestMessage(server.endpoint, address, { after: signUpMessage.id });
  assert.equal(reset.kind, 'ForgotPassword');
  assert.equal(reset.username, username);
  assert.equal(reset.subject, 'Your verification code');
  assert.match(reset.body, /^Your password reset code is \d{6}/);
  assert.equal(reset.code, /\d{6}/.exec(reset.body)[0]);

  const confirm = (ConfirmationCode, Password) =>
    idp.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: username, ConfirmationCode, Password }));
  await rejectsWith(confirm(reset.code, 'Sh0rt!'), {
    name: 'InvalidPasswordException', message: 'Password does not conform to policy: Password not long enough', type: InvalidPasswordException,
  });
  await rejectsWith(confirm(otherCode(reset.code), 'N3w-Passw0rd'), {
    name: 'CodeMismatchException', message: 'Invalid verification code provided, please try again.', type: CodeMismatchException,
  });

  await confirm(reset.code, 'N3w-Passw0rd');
  // The new password signs in; the old one is refused.
  const passwordClient = (await idp.send(new CreateUserPoolClientCommand({
    UserPoolId: poolId, ClientName: 'password', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  }))).UserPoolClient.ClientId;
  const signIn = (PASSWORD) => idp.send(new InitiateAuthCommand({
    ClientId: passwordClient, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD },
  }));
  const signedIn = await signIn('N3w-Passw0rd');
  assert.equal(typeof signedIn.AuthenticationResult?.AccessToken, 'string');
  await rejectsWith(signIn(PASSWORD), {
    name: 'NotAuthorizedException', message: 'Incorrect username or password.', type: NotAuthorizedException,
  });

  // The code is spent.
  await rejectsWith(confirm(reset.code, 'An0ther-Passw0rd'), {
    name: 'ExpiredCodeException', message: 'Invalid code provided, please request a code again.', type: ExpiredCodeException,
  });

  await rejectsWith(idp.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'nobody' })), {
    name: 'UserNotFoundException', message: 'Username/client id combination not found.', type: UserNotFoundException,
  });
});
