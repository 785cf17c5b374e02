// Starts a Gognito binary for one test file and builds SDK clients for it.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';

const jsRoot = fileURLToPath(new URL('../../', import.meta.url));
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;

export const region = 'us-east-1';

/** The binary under test: $GOGNITO_BIN (relative to the working directory) or <repo>/bin/gognito. */
export function binaryPath() {
  return process.env.GOGNITO_BIN
    ? path.resolve(process.env.GOGNITO_BIN)
    : path.resolve(jsRoot, '../../bin/gognito');
}

/**
 * Starts `gognito serve` on a random port with a fresh data directory and
 * resolves once it logs "gognito listening". GOGNITO_* variables of this
 * process are not passed on; env gives extra variables for the server (for
 * example { GOGNITO_ISSUER: 'cognito' }), which are.
 * @param {{ env?: Record<string, string> }} [options]
 * @returns {Promise<{endpoint: string, region: string, stop: () => Promise<void>}>}
 */
export async function startServer({ env = {} } = {}) {
  const bin = binaryPath();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'gognito-js-'));
  const child = spawn(bin, ['serve', '--addr', '127.0.0.1:0', '--data-dir', dataDir], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...hermeticEnv(), ...env },
  });
  const exited = new Promise((resolve) => child.once('close', resolve));
  let stderr = '';
  child.stderr.setEncoding('utf8');

  let endpoint;
  try {
    endpoint = await new Promise((resolve, reject) => {
      const fail = (why) => reject(new Error(`gognito (${bin}) ${why}\n--- stderr ---\n${stderr}`));
      const timer = setTimeout(() => fail(`did not log "gognito listening" within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
      let settled = false;
      const done = (fn, value) => { settled = true; clearTimeout(timer); fn(value); };
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
        if (settled) return;
        const line = stderr.split('\n').find((l) => l.includes('msg="gognito listening"'));
        const match = line && /\bendpoint=(\S+)/.exec(line);
        if (match) done(resolve, match[1]);
      });
      child.once('error', (err) => done(reject, new Error(
        `cannot start gognito at ${bin} (${err.code ?? err.message}); build it with \`go build -o bin/gognito ./cmd/gognito\` or set GOGNITO_BIN`)));
      child.once('exit', (code, signal) => done(fail, `exited early (code ${code}, signal ${signal})`));
    });
  } catch (err) {
    await stopChild(child, exited);
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }

  return {
    endpoint,
    region,
    async stop() {
      await stopChild(child, exited);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

// The environment without GOGNITO_* variables, which would otherwise
// override the fresh data directory or the log format and level we parse.
function hermeticEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('GOGNITO_')));
}

async function stopChild(child, exited) {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** SDK clients for both Cognito services, pointed at endpoint, without retries. */
export function clients(endpoint) {
  const config = {
    region,
    endpoint,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    maxAttempts: 1,
  };
  return { idp: new CognitoIdentityProviderClient(config), identity: new CognitoIdentityClient(config) };
}

/**
 * Replaces the global fetch (which amazon-cognito-identity-js and Amplify
 * use) while fn runs and records each request as { target, body } (target:
 * the operation, without the service prefix; body: the parsed JSON
 * request). The X-Amz-Target header is read whatever its case and however
 * the headers are given (object, array or Headers). Resolves to
 * { result, requests }.
 */
export async function recordRequests(fn) {
  const realFetch = globalThis.fetch;
  const requests = [];
  globalThis.fetch = (url, options) => {
    const target = new Headers(options?.headers).get('x-amz-target');
    requests.push({
      target: target?.replace(/^AWSCognitoIdentityProviderService\./, ''),
      body: typeof options?.body === 'string' ? JSON.parse(options.body) : undefined,
    });
    return realFetch(url, options);
  };
  try {
    const result = await fn();
    return { result, requests };
  } finally {
    globalThis.fetch = realFetch;
  }
}
