// RFC 6238 TOTP (HMAC-SHA1, 30-second steps from the Unix epoch), as an
// authenticator app computes it from the SecretCode of AssociateSoftwareToken.
import { createHmac } from 'node:crypto';

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** The 30-second period of a TOTP step, in milliseconds. */
export const STEP_MS = 30_000;

/**
 * Decodes RFC 4648 base32 (case, spaces and trailing '=' padding ignored)
 * to a Buffer; throws on any other character.
 */
export function base32Decode(text) {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  const bytes = [];
  let bits = 0;
  let value = 0;
  for (const char of clean) {
    const index = BASE32_ALPHABET.indexOf(char);
    if (index < 0) throw new Error(`not base32: ${JSON.stringify(char)} in ${JSON.stringify(text)}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/** RFC 4226 HOTP of key (a Buffer) at counter, as a zero-padded string of digits. */
export function hotp(key, counter, digits = 6) {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(message).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The TOTP time step of a time in milliseconds since the epoch. */
export const stepOf = (timeMs) => Math.floor(timeMs / STEP_MS);

/**
 * The TOTP code of secret at timeMs (milliseconds since the epoch, now by
 * default). secret is base32 text (a SecretCode), or a Buffer of raw key
 * bytes.
 */
export function totp(secret, timeMs = Date.now(), digits = 6) {
  const key = Buffer.isBuffer(secret) ? secret : base32Decode(secret);
  return hotp(key, stepOf(timeMs), digits);
}

/** The TOTP code of secret for the step after the current one, which the server accepts once the current step's code is used. */
export const nextCode = (secret) => totp(secret, Date.now() + STEP_MS);

/** A six-digit code that is not secret's TOTP code for any step near now (within two steps either side). */
export function wrongCode(secret) {
  const near = new Set([-2, -1, 0, 1, 2].map((k) => totp(secret, Date.now() + k * STEP_MS)));
  for (let n = 0; ; n++) {
    const code = String(n * 137).padStart(6, '0');
    if (!near.has(code)) return code;
  }
}
