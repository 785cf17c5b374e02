// Gognito's ID and access tokens checked the way applications check
// Cognito's: with aws-jwt-verify (the Cognito verifier, and its generic JWT
// verifier) and with jose, against the keys the server publishes at
// /{poolId}/.well-known/jwks.json and /{poolId}/.well-known/openid-configuration.
// Two servers run: one with the default issuer ({endpoint}/{poolId}) and one
// started with GOGNITO_ISSUER=cognito, whose tokens carry Cognito's own
// issuer (https://cognito-idp.<region>.amazonaws.com/<poolId>), so that
// verifiers made for Cognito accept them unchanged, given the server's JWKS.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminSetUserPasswordCommand,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetTokensFromRefreshTokenCommand,
  GetUserCommand,
  InitiateAuthCommand,
  RevokeTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoJwtVerifier, JwtRsaVerifier, JwtVerifier } from 'aws-jwt-verify';
import {
  CognitoJwtInvalidClientIdError,
  CognitoJwtInvalidGroupError,
  CognitoJwtInvalidTokenUseError,
  JwtInvalidAudienceError,
  JwtInvalidIssuerError,
  JwtInvalidScopeError,
  JwtInvalidSignatureError,
  NonRetryableFetchError,
  ParameterValidationError,
} from 'aws-jwt-verify/error';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import { clients, region, startServer } from './helpers/server.mjs';
import { rejectsWith } from './helpers/assert.mjs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PASSWORD = 'Passw0rd!';
const SCOPE = 'aws.cognito.signin.user.admin';

/** The server with the default issuer, and the one started with GOGNITO_ISSUER=cognito. */
let local;
let cognito;

before(async () => {
  [local, cognito] = await Promise.all([setUp('local'), setUp('cognito', { GOGNITO_ISSUER: 'cognito' })]);
  assert.equal(local.issuer, `${local.endpoint}/${local.poolId}`);
  assert.equal(cognito.issuer, `https://cognito-idp.${region}.amazonaws.com/${cognito.poolId}`);
});

after(async () => {
  for (const env of [local, cognito]) {
    env?.idp.destroy();
    await env?.server.stop();
  }
});

/**
 * Starts a server with the given environment and makes a pool, an app
 * client, the group admins and two users: alice (in admins, email verified,
 * given_name Alice) and bob (in no group, email not verified).
 */
async function setUp(name, env = {}) {
  const server = await startServer({ env });
  const { idp } = clients(server.endpoint);
  const poolId = (await idp.send(new CreateUserPoolCommand({ PoolName: `tokens-${name}` }))).UserPool.Id;
  const clientId = (await idp.send(new CreateUserPoolClientCommand({
    UserPoolId: poolId,
    ClientName: 'api',
    ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  }))).UserPoolClient.ClientId;
  await idp.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'admins' }));
  const users = {
    alice: [['email', 'alice@example.com'], ['email_verified', 'true'], ['given_name', 'Alice']],
    bob: [['email', 'bob@example.com'], ['email_verified', 'false']],
  };
  const subs = {};
  for (const [Username, attributes] of Object.entries(users)) {
    const { User } = await idp.send(new AdminCreateUserCommand({
      UserPoolId: poolId, Username, MessageAction: 'SUPPRESS', UserAttributes: attributes.map(([Name, Value]) => ({ Name, Value })),
    }));
    subs[Username] = User.Attributes.find((a) => a.Name === 'sub').Value;
    await idp.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username, Password: PASSWORD, Permanent: true }));
  }
  await idp.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: 'alice', GroupName: 'admins' }));
  const discovery = await getJSON(`${server.endpoint}/${poolId}/.well-known/openid-configuration`);
  return {
    server,
    idp,
    endpoint: server.endpoint,
    poolId,
    clientId,
    subs,
    issuer: discovery.issuer,
    jwksUri: `${server.endpoint}/${poolId}/.well-known/jwks.json`,
  };
}

async function getJSON(url) {
  const res = await fetch(url);
  assert.equal(res.status, 200, `GET ${url}`);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  return res.json();
}

/** Signs username in with USER_PASSWORD_AUTH; resolves to the AuthenticationResult. */
async function signIn(env, username) {
  const out = await env.idp.send(new InitiateAuthCommand({
    ClientId: env.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD },
  }));
  assert.equal(out.ChallengeName, undefined);
  assert.equal(out.AuthenticationResult.TokenType, 'Bearer');
  assert.equal(out.AuthenticationResult.ExpiresIn, 3600);
  return out.AuthenticationResult;
}

/** token with its payload replaced by the same claims plus changes, and its signature kept. */
function tamper(token, changes) {
  const [header, payload, signature] = token.split('.');
  const claims = { ...JSON.parse(Buffer.from(payload, 'base64url')), ...changes };
  return [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
}

/** A fetcher for aws-jwt-verify's JWKS cache that records the URIs asked for and refuses them all: no network. */
function refusingFetcher() {
  const uris = [];
  return {
    uris,
    async fetch(uri) {
      uris.push(uri);
      throw new NonRetryableFetchError(uri, 'this test fetches nothing');
    },
  };
}

/**
 * A fetcher for aws-jwt-verify's JWKS cache over plain HTTP with the global
 * fetch. (The library's own fetcher uses node:https, which does not speak
 * http:, and a local Gognito serves http.) Records the URIs it fetched.
 */
function httpFetcher() {
  const uris = [];
  return {
    uris,
    async fetch(uri) {
      uris.push(uri);
      const res = await fetch(uri);
      if (res.status !== 200) throw new NonRetryableFetchError(uri, `Status code is ${res.status}, expected 200`);
      return res.arrayBuffer();
    },
  };
}

test('openid-configuration names the issuer of each mode and the JWKS URI; the JWKS holds RS256 public keys', async () => {
  for (const env of [local, cognito]) {
    const discovery = await getJSON(`${env.endpoint}/${env.poolId}/.well-known/openid-configuration`);
    assert.equal(discovery.issuer, env === local ? `${env.endpoint}/${env.poolId}` : `https://cognito-idp.${region}.amazonaws.com/${env.poolId}`);
    // The keys are where this server serves them, whichever the issuer.
    assert.equal(discovery.jwks_uri, env.jwksUri);
    assert.deepEqual(discovery.id_token_signing_alg_values_supported, ['RS256']);

    const jwks = await getJSON(discovery.jwks_uri);
    assert.ok(Array.isArray(jwks.keys) && jwks.keys.length > 0);
    for (const key of jwks.keys) {
      assert.deepEqual(Object.keys(key).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use'], 'public members only');
      assert.equal(key.kty, 'RSA');
      assert.equal(key.alg, 'RS256');
      assert.equal(key.use, 'sig');
      assert.equal(key.e, 'AQAB');
      assert.ok(Buffer.from(key.n, 'base64url').length >= 256, 'a key of 2048 bits or more');
    }
    const { AccessToken, IdToken } = await signIn(env, 'alice');
    for (const token of [AccessToken, IdToken]) {
      const header = decodeProtectedHeader(token);
      assert.equal(header.alg, 'RS256');
      assert.ok(jwks.keys.some((k) => k.kid === header.kid), `kid ${header.kid} is in the JWKS`);
    }

    for (const doc of ['jwks.json', 'openid-configuration']) {
      const res = await fetch(`${env.endpoint}/us-east-1_nonexistent/.well-known/${doc}`);
      assert.equal(res.status, 404, `${doc} of an unknown pool`);
    }
  }
});

test('jose verifies ID and access tokens with the remote JWKS named by openid-configuration, in both issuer modes', async () => {
  for (const env of [local, cognito]) {
    const discovery = await getJSON(`${env.endpoint}/${env.poolId}/.well-known/openid-configuration`);
    const JWKS = createRemoteJWKSet(new URL(discovery.jwks_uri));
    const { AccessToken, IdToken } = await signIn(env, 'alice');

    const id = await jwtVerify(IdToken, JWKS, { issuer: discovery.issuer, audience: env.clientId, algorithms: ['RS256'] });
    assert.equal(id.protectedHeader.alg, 'RS256');
    assert.equal(id.payload.token_use, 'id');
    assert.equal(id.payload.iss, env.issuer);
    assert.equal(id.payload['cognito:username'], 'alice');

    // Access tokens have no aud: client_id names the client.
    const access = await jwtVerify(AccessToken, JWKS, { issuer: discovery.issuer, algorithms: ['RS256'], requiredClaims: ['client_id'] });
    assert.equal(access.payload.token_use, 'access');
    assert.equal(access.payload.client_id, env.clientId);
    assert.equal(access.payload.aud, undefined);
    await assert.rejects(jwtVerify(AccessToken, JWKS, { issuer: discovery.issuer, audience: env.clientId }),
      (err) => err instanceof joseErrors.JWTClaimValidationFailed && err.claim === 'aud');

    await assert.rejects(jwtVerify(tamper(AccessToken, { username: 'bob' }), JWKS, { issuer: discovery.issuer }),
      joseErrors.JWSSignatureVerificationFailed);
    await assert.rejects(jwtVerify(IdToken, JWKS, { issuer: `${discovery.issuer}x`, audience: env.clientId }),
      (err) => err instanceof joseErrors.JWTClaimValidationFailed && err.claim === 'iss');
    await assert.rejects(jwtVerify(IdToken, JWKS, { issuer: discovery.issuer, audience: 'another-client' }),
      (err) => err instanceof joseErrors.JWTClaimValidationFailed && err.claim === 'aud');
  }

  // Each server signs with keys of its own: one's JWKS does not verify the other's tokens.
  const { AccessToken } = await signIn(cognito, 'alice');
  const localKeys = createLocalJWKSet(await getJSON(local.jwksUri));
  await assert.rejects(jwtVerify(AccessToken, localKeys), (err) => err instanceof joseErrors.JOSEError);
});

test('aws-jwt-verify: CognitoJwtVerifier accepts GOGNITO_ISSUER=cognito tokens given the server\'s JWKS, without any request to AWS', async () => {
  const env = cognito;
  const jwks = await getJSON(env.jwksUri);
  const fetcher = refusingFetcher();
  const jwksCache = new SimpleJwksCache({ fetcher });
  // It derives issuer https://cognito-idp.<region>.amazonaws.com/<poolId> (and the JWKS URI under it) from the pool ID.
  const accessVerifier = CognitoJwtVerifier.create({ userPoolId: env.poolId, tokenUse: 'access', clientId: env.clientId }, { jwksCache });
  const idVerifier = CognitoJwtVerifier.create({ userPoolId: env.poolId, tokenUse: 'id', clientId: env.clientId }, { jwksCache });
  accessVerifier.cacheJwks(jwks);
  idVerifier.cacheJwks(jwks);

  const alice = await signIn(env, 'alice');
  const access = await accessVerifier.verify(alice.AccessToken);
  assert.equal(access.iss, env.issuer);
  assert.equal(access.token_use, 'access');
  assert.equal(access.username, 'alice');
  assert.equal(access.client_id, env.clientId);
  assert.deepEqual(accessVerifier.verifySync(alice.AccessToken), access);
  const id = await idVerifier.verify(alice.IdToken);
  assert.equal(id.iss, env.issuer);
  assert.equal(id.token_use, 'id');
  assert.equal(id.aud, env.clientId);
  assert.equal(id['cognito:username'], 'alice');
  assert.equal(id.email, 'alice@example.com');
  assert.equal(id.email_verified, true);

  // Groups and scope, as the verifier checks them.
  assert.equal((await accessVerifier.verify(alice.AccessToken, { groups: 'admins', scope: SCOPE })).username, 'alice');
  assert.equal((await idVerifier.verify(alice.IdToken, { groups: ['editors', 'admins'] }))['cognito:username'], 'alice');
  await assert.rejects(accessVerifier.verify(alice.AccessToken, { groups: 'editors' }), CognitoJwtInvalidGroupError);
  await assert.rejects(accessVerifier.verify(alice.AccessToken, { scope: 'openid' }), JwtInvalidScopeError);
  const bob = await signIn(env, 'bob');
  assert.equal((await accessVerifier.verify(bob.AccessToken)).username, 'bob');
  await assert.rejects(accessVerifier.verify(bob.AccessToken, { groups: 'admins' }), CognitoJwtInvalidGroupError);
  assert.equal((await idVerifier.verify(bob.IdToken)).email_verified, false);

  // What must be refused is.
  await assert.rejects(accessVerifier.verify(alice.IdToken), CognitoJwtInvalidTokenUseError);
  await assert.rejects(idVerifier.verify(alice.AccessToken), CognitoJwtInvalidTokenUseError);
  await assert.rejects(accessVerifier.verify(tamper(alice.AccessToken, { username: 'bob' })), JwtInvalidSignatureError);
  await assert.rejects(idVerifier.verify(tamper(alice.IdToken, { email: 'mallory@example.com' })), JwtInvalidSignatureError);
  await assert.rejects(accessVerifier.verify(alice.AccessToken, { clientId: 'another-client' }), CognitoJwtInvalidClientIdError);
  // A token of the local-issuer server names an issuer the verifier was not made for.
  await assert.rejects(accessVerifier.verify((await signIn(local, 'alice')).AccessToken),
    (err) => err instanceof ParameterValidationError && /issuer not configured: http:\/\/127\.0\.0\.1:/.test(err.message));

  assert.deepEqual(fetcher.uris, [], 'no JWKS was fetched: none from AWS');
});

test('aws-jwt-verify: JwtVerifier fetches the JWKS from the server over HTTP and verifies local-issuer tokens', async () => {
  const env = local;
  // JwtRsaVerifier is the library's deprecated name for the generic JwtVerifier.
  assert.equal(JwtRsaVerifier, JwtVerifier);
  const fetcher = httpFetcher();
  const jwksCache = new SimpleJwksCache({ fetcher });
  // Access tokens have no aud claim: audience null skips that check, and a custom check takes only access tokens.
  const accessVerifier = JwtRsaVerifier.create({
    issuer: env.issuer,
    audience: null,
    jwksUri: env.jwksUri,
    customJwtCheck: ({ payload }) => {
      if (payload.token_use !== 'access' || payload.client_id !== env.clientId) throw new Error('not an access token of the client');
    },
  }, { jwksCache });
  // ID tokens name the client in aud.
  const idVerifier = JwtVerifier.create({ issuer: env.issuer, audience: env.clientId, jwksUri: env.jwksUri }, { jwksCache });

  const { AccessToken, IdToken } = await signIn(env, 'alice');
  const access = await accessVerifier.verify(AccessToken);
  assert.equal(access.username, 'alice');
  assert.equal(access.iss, env.issuer);
  const id = await idVerifier.verify(IdToken);
  assert.equal(id['cognito:username'], 'alice');
  assert.equal(id.aud, env.clientId);
  assert.deepEqual(fetcher.uris, [env.jwksUri], 'the JWKS was fetched once, from the server');

  await assert.rejects(accessVerifier.verify(IdToken), { message: 'not an access token of the client' });
  await assert.rejects(idVerifier.verify(AccessToken), JwtInvalidAudienceError);
  await assert.rejects(accessVerifier.verify(tamper(AccessToken, { client_id: 'another-client' })), JwtInvalidSignatureError);
  await assert.rejects(idVerifier.verify(IdToken, { audience: 'another-client' }), JwtInvalidAudienceError);
  // Made for Cognito's issuer, a verifier refuses these tokens even with the right keys: that is what GOGNITO_ISSUER=cognito is for.
  const cognitoIssuerVerifier = JwtVerifier.create({
    issuer: `https://cognito-idp.${region}.amazonaws.com/${env.poolId}`, audience: null, jwksUri: env.jwksUri,
  }, { jwksCache });
  await assert.rejects(cognitoIssuerVerifier.verify(AccessToken), JwtInvalidIssuerError);
  assert.deepEqual(fetcher.uris, [env.jwksUri], 'the JWKS stayed cached');
});

test('access tokens carry Cognito\'s claims, in Cognito\'s order', async () => {
  for (const env of [local, cognito]) {
    const before = Math.floor(Date.now() / 1000);
    const alice = decodeJwt((await signIn(env, 'alice')).AccessToken);
    const bob = decodeJwt((await signIn(env, 'bob')).AccessToken);
    const afterwards = Math.floor(Date.now() / 1000);

    assert.deepEqual(Object.keys(alice), ['sub', 'cognito:groups', 'iss', 'client_id', 'origin_jti', 'event_id',
      'token_use', 'scope', 'auth_time', 'exp', 'iat', 'jti', 'username']);
    assert.deepEqual(Object.keys(bob), ['sub', 'iss', 'client_id', 'origin_jti', 'event_id',
      'token_use', 'scope', 'auth_time', 'exp', 'iat', 'jti', 'username'], 'no cognito:groups outside groups');
    assert.equal(alice.sub, env.subs.alice);
    assert.deepEqual(alice['cognito:groups'], ['admins']);
    assert.equal(alice.iss, env.issuer);
    assert.equal(alice.client_id, env.clientId);
    assert.equal(alice.token_use, 'access');
    assert.equal(alice.scope, SCOPE);
    assert.equal(alice.username, 'alice');
    for (const claim of ['origin_jti', 'event_id', 'jti']) assert.match(alice[claim], UUID, claim);
    assert.equal(new Set([alice.origin_jti, alice.event_id, alice.jti, bob.origin_jti, bob.event_id, bob.jti]).size, 6);
    for (const claim of ['auth_time', 'iat', 'exp']) assert.ok(Number.isInteger(alice[claim]), `${claim} is an integer`);
    assert.ok(alice.auth_time >= before && alice.auth_time <= afterwards, 'auth_time is the sign-in');
    assert.equal(alice.iat, alice.auth_time);
    assert.equal(alice.exp, alice.iat + 3600);
    assert.equal(bob.sub, env.subs.bob);
    assert.equal(bob.username, 'bob');
  }
});

test('ID tokens carry Cognito\'s claims and the user\'s attributes, typed', async () => {
  for (const env of [local, cognito]) {
    const aliceTokens = await signIn(env, 'alice');
    const alice = decodeJwt(aliceTokens.IdToken);
    const access = decodeJwt(aliceTokens.AccessToken);
    const bob = decodeJwt((await signIn(env, 'bob')).IdToken);

    assert.deepEqual(Object.keys(alice).sort(), ['aud', 'auth_time', 'cognito:groups', 'cognito:username', 'email', 'email_verified',
      'event_id', 'exp', 'given_name', 'iat', 'iss', 'jti', 'origin_jti', 'sub', 'token_use']);
    assert.equal(alice.aud, env.clientId);
    assert.equal(alice.iss, env.issuer);
    assert.equal(alice.token_use, 'id');
    assert.equal(alice.sub, env.subs.alice);
    assert.equal(alice['cognito:username'], 'alice');
    assert.deepEqual(alice['cognito:groups'], ['admins']);
    assert.equal(alice.email, 'alice@example.com');
    assert.equal(alice.email_verified, true, 'email_verified is a JSON boolean');
    assert.equal(alice.given_name, 'Alice');
    // One sign-in: the ID and access tokens share origin_jti, event_id and auth_time, not jti.
    assert.equal(alice.origin_jti, access.origin_jti);
    assert.equal(alice.event_id, access.event_id);
    assert.equal(alice.auth_time, access.auth_time);
    assert.match(alice.jti, UUID);
    assert.notEqual(alice.jti, access.jti);
    assert.equal(alice.exp, alice.iat + 3600);

    assert.equal(bob['cognito:username'], 'bob');
    assert.equal(bob.email_verified, false);
    assert.equal(bob['cognito:groups'], undefined);
    assert.equal(bob.given_name, undefined);
  }
});

test('tokens from ADMIN_USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH and GetTokensFromRefreshToken verify; revocation is the service\'s to see', async () => {
  const env = local;
  const JWKS = createRemoteJWKSet(new URL(env.jwksUri));
  const verify = async (token, options = {}) => (await jwtVerify(token, JWKS, { issuer: env.issuer, ...options })).payload;

  const admin = (await env.idp.send(new AdminInitiateAuthCommand({
    UserPoolId: env.poolId, ClientId: env.clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'alice', PASSWORD },
  }))).AuthenticationResult;
  const first = await verify(admin.AccessToken);
  assert.equal(first.username, 'alice');
  assert.equal((await verify(admin.IdToken, { audience: env.clientId }))['cognito:username'], 'alice');

  const refreshed = (await env.idp.send(new InitiateAuthCommand({
    ClientId: env.clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: admin.RefreshToken },
  }))).AuthenticationResult;
  assert.equal(refreshed.RefreshToken, undefined, 'no new refresh token without rotation');
  const second = await verify(refreshed.AccessToken);
  const secondId = await verify(refreshed.IdToken, { audience: env.clientId });
  assert.notEqual(second.jti, first.jti);
  assert.equal(second.origin_jti, first.origin_jti, 'refreshed tokens keep the sign-in\'s origin_jti');
  assert.equal(secondId.origin_jti, first.origin_jti);
  assert.equal(second.auth_time, first.auth_time);

  const viaGetTokens = (await env.idp.send(new GetTokensFromRefreshTokenCommand({ ClientId: env.clientId, RefreshToken: admin.RefreshToken }))).AuthenticationResult;
  const third = await verify(viaGetTokens.AccessToken);
  assert.equal((await verify(viaGetTokens.IdToken, { audience: env.clientId }))['cognito:username'], 'alice');
  assert.equal(third.origin_jti, first.origin_jti);
  assert.notEqual(third.jti, second.jti);

  // RevokeToken ends the refresh token and the access tokens issued from it. The service refuses them;
  // a verifier, which only checks signatures and claims, cannot know.
  await env.idp.send(new RevokeTokenCommand({ ClientId: env.clientId, Token: admin.RefreshToken }));
  await rejectsWith(env.idp.send(new InitiateAuthCommand({
    ClientId: env.clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: admin.RefreshToken },
  })), { name: 'NotAuthorizedException', message: 'Refresh Token has been revoked' });
  for (const token of [admin.AccessToken, refreshed.AccessToken, viaGetTokens.AccessToken]) {
    await rejectsWith(env.idp.send(new GetUserCommand({ AccessToken: token })), {
      name: 'NotAuthorizedException', message: 'Access Token has been revoked',
    });
    assert.equal((await verify(token)).username, 'alice');
  }
  // Another sign-in's tokens are untouched.
  const other = await signIn(env, 'alice');
  assert.equal((await env.idp.send(new GetUserCommand({ AccessToken: other.AccessToken }))).Username, 'alice');
  assert.equal((await env.idp.send(new AdminGetUserCommand({ UserPoolId: env.poolId, Username: 'alice' }))).UserStatus, 'CONFIRMED');
});
