// Reads the development inbox of a Gognito server (GET /_gognito/messages).
import { setTimeout as sleep } from 'node:timers/promises';

const POLL_TIMEOUT_MS = 2_000;
const POLL_INTERVAL_MS = 25;

async function getJSON(url) {
  const res = await fetch(url);
  const body = await res.json().catch(() => null);
  return { status: res.status, body };
}

function inboxURL(endpoint, suffix, params) {
  const url = new URL(`/_gognito/messages${suffix}`, endpoint);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) url.searchParams.set(name, String(value));
  }
  return url;
}

/**
 * The messages sent to destination (an email address or phone number),
 * newest first. Other filters of the inbox (poolId, username, limit) may be
 * given in filter.
 * @returns {Promise<Array<{id: number, poolId: string, username: string, channel: string,
 *   destination: string, subject: string, body: string, kind: string, code?: string, createdAt: string}>>}
 */
export async function messages(endpoint, destination, filter = {}) {
  const url = inboxURL(endpoint, '', { destination, ...filter });
  const { status, body } = await getJSON(url);
  if (status !== 200) throw new Error(`GET ${url} answered ${status}: ${JSON.stringify(body)}`);
  return body.messages;
}

/**
 * The newest message sent to destination, waiting up to 2 s for one to
 * arrive; when after is given (a message id), only a message newer than it
 * counts. Throws when none arrives in time.
 */
export async function latestMessage(endpoint, destination, { after } = {}) {
  const url = inboxURL(endpoint, '/latest', { destination });
  const deadline = Date.now() + POLL_TIMEOUT_MS;
  let last;
  for (;;) {
    const { status, body } = await getJSON(url);
    if (status === 200 && (after === undefined || body.id > after)) return body;
    if (status !== 200 && status !== 404) throw new Error(`GET ${url} answered ${status}: ${JSON.stringify(body)}`);
    last = `${status} ${JSON.stringify(body)}`;
    if (Date.now() >= deadline) break;
    await sleep(POLL_INTERVAL_MS);
  }
  throw new Error(`no${after === undefined ? '' : ` new (id > ${after})`} message for ${destination} within ${POLL_TIMEOUT_MS / 1000} s (last answer: ${last})`);
}

/** The code (first six-digit run) of the newest message to destination; see latestMessage. */
export async function latestCode(endpoint, destination, options) {
  const message = await latestMessage(endpoint, destination, options);
  if (!message.code) throw new Error(`the newest message for ${destination} has no code: ${JSON.stringify(message)}`);
  return message.code;
}

/** A six-digit code that is not code (a wrong answer to a code from the inbox). */
export const otherCode = (code) => (code === '000000' ? '111111' : '000000');
