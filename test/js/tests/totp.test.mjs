// The tests' TOTP helper (helpers/totp.mjs) against RFC 6238's SHA-1 test
// vectors and RFC 4648's base32 ones, so that MFA tests that fail point at
// the server, not at the codes they send.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base32Decode, hotp, stepOf, totp } from './helpers/totp.mjs';

// RFC 6238 appendix B: the SHA-1 key is the 20 ASCII bytes "1234567890" twice.
const RFC_KEY = Buffer.from('12345678901234567890', 'ascii');
const RFC_KEY_BASE32 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

test('totp matches the RFC 6238 SHA-1 test vectors', () => {
  const vectors = [
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ];
  for (const [seconds, code] of vectors) {
    assert.equal(totp(RFC_KEY, seconds * 1000, 8), code, `T=${seconds}`);
    assert.equal(totp(RFC_KEY, seconds * 1000), code.slice(2), `T=${seconds}, six digits`);
  }
  // The same key given as a base32 SecretCode, in any case and grouping.
  assert.equal(totp(RFC_KEY_BASE32, 59_000, 8), '94287082');
  assert.equal(totp('gezd gnbv gy3t qojq gezd gnbv gy3t qojq', 59_000), '287082');
});

test('totp counts 30-second steps from the epoch', () => {
  assert.equal(stepOf(0), 0);
  assert.equal(stepOf(29_999), 0);
  assert.equal(stepOf(30_000), 1);
  assert.equal(stepOf(59_000), 1);
  // Every time inside a step gives the step's code; the next step another.
  assert.equal(totp(RFC_KEY, 30_000, 8), totp(RFC_KEY, 59_999, 8));
  assert.equal(totp(RFC_KEY, 59_000, 8), hotp(RFC_KEY, 1, 8));
  assert.notEqual(totp(RFC_KEY, 60_000, 8), totp(RFC_KEY, 59_999, 8));
  // RFC 4226 appendix D: HOTP of the same key at counters 0 and 9.
  assert.equal(hotp(RFC_KEY, 0), '755224');
  assert.equal(hotp(RFC_KEY, 9), '520489');
});

test('base32Decode follows RFC 4648', () => {
  const vectors = [
    ['', ''],
    ['MY======', 'f'],
    ['MZXQ====', 'fo'],
    ['MZXW6===', 'foo'],
    ['MZXW6YQ=', 'foob'],
    ['MZXW6YTB', 'fooba'],
    ['MZXW6YTBOI======', 'foobar'],
  ];
  for (const [encoded, decoded] of vectors) {
    assert.equal(base32Decode(encoded).toString('ascii'), decoded, encoded);
    assert.equal(base32Decode(encoded.replace(/=+$/, '')).toString('ascii'), decoded, `${encoded} without padding`);
  }
  assert.deepEqual(base32Decode(RFC_KEY_BASE32), RFC_KEY);
  // A 52-character SecretCode is 32 bytes.
  assert.equal(base32Decode('A'.repeat(52)).length, 32);
  assert.throws(() => base32Decode('MZXW1'), /not base32/);
});
