// RFC 6238 TOTP (SHA-1, 6 digits, 30 s) with node:crypto, for the tests
// that enrol a second factor and sign in with it.
'use strict';
const crypto = require('node:crypto');

function base32Decode(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of s.replace(/[\s=]/g, '').toUpperCase()) {
    const i = alphabet.indexOf(ch);
    if (i < 0) throw new Error(`not base32: ${ch}`);
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

function totp(secret, at = Date.now()) {
  const counter = Math.floor(at / 1000 / 30);
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const h = crypto.createHmac('sha1', base32Decode(secret)).update(msg).digest();
  const off = h[h.length - 1] & 0xf;
  const n = (h.readUInt32BE(off) & 0x7fffffff) % 1000000;
  return String(n).padStart(6, '0');
}

// Waits until the 30 s step after the one of `at` has begun.
async function nextStep(at) {
  const next = (Math.floor(at / 30000) + 1) * 30000;
  const wait = next - Date.now() + 200;
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}

module.exports = { totp, nextStep };
