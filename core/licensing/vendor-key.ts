/**
 * The acm project's license-signing public key. The private half stays with whoever sells
 * licenses; sites that issue their own (a hosting provider) add their public key through
 * ACM_LICENSE_PUBLIC_KEYS or <data>/license-keys/*.pem.
 */
export const VENDOR_LICENSE_PUBLIC_KEY = `-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAQ2ex1erSPA9gOk/aUkOeuChKiRsfspA7ZpcU1wvvAWc=
-----END PUBLIC KEY-----`;
