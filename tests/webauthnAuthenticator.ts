import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { isoBase64URL, isoCBOR } from '@simplewebauthn/server/helpers';

/**
 * A software passkey for tests: a real P-256 key made with node:crypto, answering WebAuthn registration
 * and authentication options the way a browser and authenticator would (attestation "none"), so the
 * server's checks (@simplewebauthn/server) run unmocked.
 */
export type SoftPasskey = ReturnType<typeof softPasskey>;

const b64 = (bytes: Uint8Array) => isoBase64URL.fromBuffer(new Uint8Array(bytes));
const sha256 = (data: Uint8Array | string) => new Uint8Array(createHash('sha256').update(data).digest());
const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

function coseKeyOf(publicKey: KeyObject): Uint8Array {
  const jwk = publicKey.export({ format: 'jwk' });
  const key = new Map<number, number | Uint8Array>([
    [1, 2], // kty: EC2
    [3, -7], // alg: ES256
    [-1, 1], // crv: P-256
    [-2, isoBase64URL.toBuffer(jwk.x!)],
    [-3, isoBase64URL.toBuffer(jwk.y!)],
  ]);
  return isoCBOR.encode(key);
}

export function softPasskey(origin: string) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const credentialId = new Uint8Array(randomBytes(32));
  let counter = 0;
  const rpIdHash = () => sha256(new URL(origin).hostname);
  const clientData = (type: string, challenge: string, from = origin) =>
    new TextEncoder().encode(JSON.stringify({ type, challenge, origin: from, crossOrigin: false }));
  const counterBytes = () => {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, counter);
    return bytes;
  };

  return {
    id: b64(credentialId),
    /** The browser's answer to registration options (navigator.credentials.create), as JSON text. */
    register(options: { challenge: string }, from = origin): string {
      const idLength = new Uint8Array([credentialId.length >> 8, credentialId.length & 0xff]);
      const authData = concat(
        rpIdHash(),
        new Uint8Array([0x45]), // user present, user verified, attested credential data
        counterBytes(),
        new Uint8Array(16), // AAGUID: none
        idLength,
        credentialId,
        coseKeyOf(publicKey),
      );
      const attestationObject = isoCBOR.encode(
        new Map<string, unknown>([
          ['fmt', 'none'],
          ['attStmt', new Map()],
          ['authData', authData],
        ]) as never,
      );
      return JSON.stringify({
        id: b64(credentialId),
        rawId: b64(credentialId),
        type: 'public-key',
        response: {
          clientDataJSON: b64(clientData('webauthn.create', options.challenge, from)),
          attestationObject: b64(attestationObject),
          transports: ['internal'],
        },
        clientExtensionResults: {},
        authenticatorAttachment: 'platform',
      });
    },
    /** The browser's answer to authentication options (navigator.credentials.get), as JSON text. */
    authenticate(options: { challenge: string }, from = origin): string {
      counter += 1;
      const authData = concat(rpIdHash(), new Uint8Array([0x05]), counterBytes());
      const clientDataJSON = clientData('webauthn.get', options.challenge, from);
      const signature = sign('sha256', concat(authData, sha256(clientDataJSON)), privateKey);
      return JSON.stringify({
        id: b64(credentialId),
        rawId: b64(credentialId),
        type: 'public-key',
        response: {
          clientDataJSON: b64(clientDataJSON),
          authenticatorData: b64(authData),
          signature: b64(new Uint8Array(signature)),
        },
        clientExtensionResults: {},
      });
    },
  };
}
