/**
 * @simplewebauthn/server, loaded on first use: importing it takes most of a second (its ASN.1 and CBOR
 * parsers), which every process start and every test file would otherwise pay for passkeys it may never
 * see. Node caches the module after the first call.
 */
export const webauthn = () => import('@simplewebauthn/server');
export const webauthnHelpers = () => import('@simplewebauthn/server/helpers');
