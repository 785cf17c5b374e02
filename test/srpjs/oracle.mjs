// SRP test oracle for internal/srp: runs the official client code of
// amazon-cognito-identity-js (AuthenticationHelper, CognitoUser, DateHelper)
// on the scenarios read as JSON from stdin and prints the results as JSON.
//
// Input:  {"ops": [{"op": "<name>", ...}, ...]}
// Output: {"results": [<one object per op, in order>]}; a failing op gives
//         {"error": "<message>"}.
//
// Ops (integers are hex strings, times are milliseconds since the epoch):
//   group                  -> {N, g, k}
//   padHex {values}        -> {padded: [...]}; a value may start with "-"
//   timestamp {times}      -> {strings: [...]} from DateHelper.getNowString
//   largeA {a}             -> {A}: AuthenticationHelper with small a injected
//   userSignIn {userPoolId, clientId, username, password, a, now, challenge}
//       drives CognitoUser.authenticateUser (USER_SRP_AUTH) against a fake
//       service whose InitiateAuth answers PASSWORD_VERIFIER with challenge
//       {SRP_B, SALT, SECRET_BLOCK, USER_ID_FOR_SRP}
//       -> {SRP_A, poolName, responses (PASSWORD_VERIFIER ChallengeResponses),
//           key (the derived hkdf key, hex)}
//   deviceHash {deviceGroupKey, deviceKey}
//       -> AuthenticationHelper.generateHashDevice: {salt, verifier, password}
//          (padHex strings as the helper keeps them) and config, the
//          DeviceSecretVerifierConfig CognitoUser builds for ConfirmDevice
//   confirmDevice {userPoolId, clientId, username, password, a, now,
//                  challenge, newDevice: {DeviceKey, DeviceGroupKey}}
//       a sign-in whose PASSWORD_VERIFIER answer carries NewDeviceMetadata;
//       captures the ConfirmDevice request -> {request, password}
//   deviceSignIn {userPoolId, clientId, username, password, a, deviceA, now,
//                 challenge, device: {deviceKey, deviceGroupKey, password},
//                 deviceChallenge: {SRP_B, SALT, SECRET_BLOCK}}
//       a sign-in with a remembered device: PASSWORD_VERIFIER is answered
//       with DEVICE_SRP_AUTH, whose answer is DEVICE_PASSWORD_VERIFIER with
//       deviceChallenge -> {SRP_A, DEVICE_SRP_A, responses (the
//       DEVICE_PASSWORD_VERIFIER ChallengeResponses), key}

import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const lib = 'amazon-cognito-identity-js/lib/';
const AuthenticationHelper = require(lib + 'AuthenticationHelper.js').default;
const BigInteger = require(lib + 'BigInteger.js').default;
const DateHelper = require(lib + 'DateHelper.js').default;
const { CognitoUser, CognitoUserPool, AuthenticationDetails } = require(
	'amazon-cognito-identity-js'
);

// Injected small-a values: AuthenticationHelper's constructor draws a with
// generateRandomSmallA; each helper built while the queue is non-empty takes
// the next value instead.
const queuedA = [];
const realSmallA = AuthenticationHelper.prototype.generateRandomSmallA;
AuthenticationHelper.prototype.generateRandomSmallA = function () {
	if (queuedA.length > 0) return new BigInteger(queuedA.shift(), 16);
	return realSmallA.call(this);
};

// The last key derived by any helper, to report alongside signatures.
let lastKey = null;
const realHkdf = AuthenticationHelper.prototype.computehkdf;
AuthenticationHelper.prototype.computehkdf = function (ikm, salt) {
	const key = realHkdf.call(this, ikm, salt);
	lastKey = Buffer.from(key).toString('hex');
	return key;
};

// withNow runs fn with `new Date()` returning the instant ms.
function withNow(ms, fn) {
	const RealDate = globalThis.Date;
	class FixedDate extends RealDate {
		constructor(...args) {
			if (args.length === 0) super(ms);
			else super(...args);
		}
		static now() {
			return ms;
		}
	}
	globalThis.Date = FixedDate;
	try {
		return fn();
	} finally {
		globalThis.Date = RealDate;
	}
}

function memoryStorage(seed = {}) {
	const m = new Map(Object.entries(seed));
	return {
		setItem: (k, v) => m.set(k, String(v)),
		getItem: k => (m.has(k) ? m.get(k) : null),
		removeItem: k => m.delete(k),
		clear: () => m.clear(),
		dump: () => Object.fromEntries(m),
	};
}

function fakeJwt(payload) {
	const b64 = s => Buffer.from(JSON.stringify(s)).toString('base64url');
	return `${b64({ alg: 'none' })}.${b64(payload)}.sig`;
}

function tokens() {
	const now = Math.floor(Date.now() / 1000);
	return {
		AccessToken: fakeJwt({ iat: now, exp: now + 3600 }),
		IdToken: fakeJwt({ iat: now, exp: now + 3600 }),
		RefreshToken: 'refresh',
	};
}

const stop = { code: 'OracleStop', name: 'OracleStop', message: 'oracle stop' };

// signIn runs CognitoUser.authenticateUser with a fake service. answer(op,
// params, calls) returns {data} or {err}; every request is recorded.
// Everything the library does here is synchronous, so so is this.
function signIn(s, storage, answer) {
	const pool = new CognitoUserPool({
		UserPoolId: s.userPoolId,
		ClientId: s.clientId || 'oracleclient',
		Storage: storage,
	});
	const calls = [];
	pool.client = {
		request(op, params, cb) {
			calls.push({ op, params: JSON.parse(JSON.stringify(params)) });
			const r = answer(op, params, calls);
			cb(r.err || null, r.data || null);
		},
	};
	const user = new CognitoUser({
		Username: s.username,
		Pool: pool,
		Storage: storage,
	});
	const details = new AuthenticationDetails({
		Username: s.username,
		Password: s.password,
	});
	let outcome = null;
	const done = name => arg => {
		outcome = { name, arg };
	};
	withNow(s.now, () =>
		user.authenticateUser(details, {
			onSuccess: done('success'),
			onFailure: done('failure'),
			mfaRequired: done('mfa'),
			totpRequired: done('totp'),
			newPasswordRequired: done('newPassword'),
			customChallenge: done('custom'),
			mfaSetup: done('mfaSetup'),
			selectMFAType: done('selectMFA'),
		})
	);
	if (outcome === null) throw new Error('sign-in did not finish synchronously');
	if (outcome.name === 'failure' && outcome.arg !== stop) {
		throw outcome.arg instanceof Error
			? outcome.arg
			: new Error(JSON.stringify(outcome.arg));
	}
	return { calls, user, outcome: outcome.name };
}

function findCall(calls, op, challengeName) {
	return calls.find(
		c =>
			c.op === op &&
			(challengeName === undefined || c.params.ChallengeName === challengeName)
	);
}

const ops = {
	group() {
		const h = new AuthenticationHelper('x');
		return { N: h.N.toString(16), g: h.g.toString(16), k: h.k.toString(16) };
	},

	padHex({ values }) {
		const h = new AuthenticationHelper('x');
		return { padded: values.map(v => h.padHex(new BigInteger(v, 16))) };
	},

	timestamp({ times }) {
		const d = new DateHelper();
		return { strings: times.map(ms => withNow(ms, () => d.getNowString())) };
	},

	largeA({ a }) {
		queuedA.push(a);
		const h = new AuthenticationHelper('x');
		let A = null;
		h.getLargeAValue((err, v) => {
			if (err) throw err;
			A = v;
		});
		return { A: A.toString(16) };
	},

	userSignIn(s) {
		queuedA.length = 0;
		queuedA.push(s.a);
		lastKey = null;
		const { calls } = signIn(s, memoryStorage(), op =>
			op === 'InitiateAuth'
				? {
						data: {
							ChallengeName: 'PASSWORD_VERIFIER',
							ChallengeParameters: s.challenge,
							Session: 'session-1',
						},
					}
				: { err: stop }
		);
		const init = findCall(calls, 'InitiateAuth');
		const resp = findCall(calls, 'RespondToAuthChallenge', 'PASSWORD_VERIFIER');
		return {
			SRP_A: init.params.AuthParameters.SRP_A,
			poolName: s.userPoolId.split('_')[1],
			responses: resp.params.ChallengeResponses,
			key: lastKey,
		};
	},

	deviceHash({ deviceGroupKey, deviceKey }) {
		const h = new AuthenticationHelper('x');
		let err = null;
		h.generateHashDevice(deviceGroupKey, deviceKey, e => {
			err = e;
		});
		if (err) throw err;
		return {
			salt: h.getSaltDevices(),
			verifier: h.getVerifierDevices(),
			password: h.getRandomPassword(),
			config: {
				Salt: Buffer.from(h.getSaltDevices(), 'hex').toString('base64'),
				PasswordVerifier: Buffer.from(h.getVerifierDevices(), 'hex').toString(
					'base64'
				),
			},
		};
	},

	confirmDevice(s) {
		queuedA.length = 0;
		queuedA.push(s.a);
		const { calls, user, outcome } = signIn(s, memoryStorage(), op => {
			switch (op) {
				case 'InitiateAuth':
					return {
						data: {
							ChallengeName: 'PASSWORD_VERIFIER',
							ChallengeParameters: s.challenge,
							Session: 'session-1',
						},
					};
				case 'RespondToAuthChallenge':
					return {
						data: {
							AuthenticationResult: {
								...tokens(),
								NewDeviceMetadata: s.newDevice,
							},
						},
					};
				case 'ConfirmDevice':
					return { data: { UserConfirmationNecessary: false } };
				default:
					return { err: stop };
			}
		});
		if (outcome !== 'success') throw new Error('confirmDevice: ' + outcome);
		return {
			request: findCall(calls, 'ConfirmDevice').params,
			password: user.randomPassword,
		};
	},

	deviceSignIn(s) {
		queuedA.length = 0;
		queuedA.push(s.a, s.deviceA);
		lastKey = null;
		const prefix = `CognitoIdentityServiceProvider.${s.clientId || 'oracleclient'}.${s.challenge.USER_ID_FOR_SRP}`;
		const storage = memoryStorage({
			[`${prefix}.deviceKey`]: s.device.deviceKey,
			[`${prefix}.deviceGroupKey`]: s.device.deviceGroupKey,
			[`${prefix}.randomPasswordKey`]: s.device.password,
		});
		const { calls } = signIn(s, storage, (op, params) => {
			if (op === 'InitiateAuth') {
				return {
					data: {
						ChallengeName: 'PASSWORD_VERIFIER',
						ChallengeParameters: s.challenge,
						Session: 'session-1',
					},
				};
			}
			if (op === 'RespondToAuthChallenge') {
				switch (params.ChallengeName) {
					case 'PASSWORD_VERIFIER':
						return {
							data: { ChallengeName: 'DEVICE_SRP_AUTH', Session: 'session-2' },
						};
					case 'DEVICE_SRP_AUTH':
						return {
							data: {
								ChallengeName: 'DEVICE_PASSWORD_VERIFIER',
								ChallengeParameters: s.deviceChallenge,
								Session: 'session-3',
							},
						};
				}
			}
			return { err: stop };
		});
		const srp = findCall(calls, 'RespondToAuthChallenge', 'DEVICE_SRP_AUTH');
		const resp = findCall(
			calls,
			'RespondToAuthChallenge',
			'DEVICE_PASSWORD_VERIFIER'
		);
		if (!srp || !resp) throw new Error('device flow did not reach DEVICE_PASSWORD_VERIFIER');
		return {
			SRP_A: findCall(calls, 'InitiateAuth').params.AuthParameters.SRP_A,
			DEVICE_SRP_A: srp.params.ChallengeResponses.SRP_A,
			userResponses: findCall(calls, 'RespondToAuthChallenge', 'PASSWORD_VERIFIER')
				.params.ChallengeResponses,
			responses: resp.params.ChallengeResponses,
			key: lastKey,
		};
	},
};

const input = JSON.parse(readFileSync(0, 'utf8'));
const results = (input.ops || []).map(o => {
	try {
		const fn = ops[o.op];
		if (!fn) throw new Error(`unknown op ${o.op}`);
		return fn(o);
	} catch (e) {
		return { error: String((e && e.stack) || e) };
	}
});
process.stdout.write(JSON.stringify({ results }) + '\n');
