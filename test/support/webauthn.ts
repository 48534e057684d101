import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

/**
 * A software security key for API tests: a P-256 key pair made here, its registration ("none"
 * attestation) and assertions built from the WebAuthn specification with nothing from the code under
 * test, so the server's verification (SimpleWebAuthn, challenges, counters) runs for real. The browser
 * ceremony itself is tested in Chromium with a virtual authenticator (two-factor.browser.test.ts).
 */
export class SoftKey {
  readonly credentialId: Buffer;
  private readonly transports: unknown[];
  private readonly userVerifies: boolean;
  /** A key that keeps no signature counter (many passkeys): every assertion reports 0 (a test may switch it). */
  counterless: boolean;
  private readonly privateKey: KeyObject;
  private readonly publicJwk: { x: string; y: string };
  counter = 0;
  /**
   * The backup flags its authenticator data carries: BE (may be backed up: a passkey a provider can
   * sync) and BS (backed up now). BS may change between ceremonies (a device-bound passkey gets
   * synced); BS without BE is malformed.
   */
  backupEligible: boolean;
  backedUp: boolean;
  private readonly publicKeyPadding: number;

  constructor(
    /** The dashboard's origin, as the browser would report it (`http://localhost:<port>`). */
    readonly origin: string,
    /**
     * A crafted key: its credential id's length, the transports it reports; `userVerifies: false` is a
     * touch-only key (no PIN or biometric): its responses never carry the user-verified flag.
     */
    options: {
      idBytes?: number;
      transports?: unknown[];
      userVerifies?: boolean;
      counterless?: boolean;
      backupEligible?: boolean;
      backedUp?: boolean;
      /** Bytes of padding carried in its public key (an entry of its own in the COSE map). */
      publicKeyPadding?: number;
    } = {},
  ) {
    this.publicKeyPadding = options.publicKeyPadding ?? 0;
    this.credentialId = randomBytes(options.idBytes ?? 32);
    this.transports = options.transports ?? ['usb'];
    this.userVerifies = options.userVerifies ?? true;
    this.counterless = options.counterless ?? false;
    this.backupEligible = options.backupEligible ?? false;
    this.backedUp = options.backedUp ?? false;
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = privateKey;
    const jwk = publicKey.export({ format: 'jwk' });
    this.publicJwk = { x: jwk.x!, y: jwk.y! };
  }

  get id(): string {
    return this.credentialId.toString('base64url');
  }

  private get rpId(): string {
    return new URL(this.origin).hostname;
  }

  /** `topOrigin`: the ceremony ran in a frame on that other site (as a browser reports it, WebAuthn Level 3). */
  private clientData(
    type: 'webauthn.create' | 'webauthn.get',
    challenge: string,
    origin = this.origin,
    topOrigin?: string,
  ): Buffer {
    return Buffer.from(
      JSON.stringify(
        topOrigin === undefined
          ? { type, challenge, origin, crossOrigin: false }
          : { type, challenge, origin, crossOrigin: true, topOrigin },
      ),
    );
  }

  /**
   * Authenticator data: RP ID hash, flags (user present, user verified unless the key cannot verify,
   * backup eligible and backed up as set, + attested data), counter.
   */
  private authData(attested: Buffer | null, rpId = this.rpId): Buffer {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.counter);
    const flags =
      0x01 |
      (this.userVerifies ? 0x04 : 0) |
      (this.backupEligible ? 0x08 : 0) |
      (this.backedUp ? 0x10 : 0) |
      (attested ? 0x40 : 0);
    return Buffer.concat([
      createHash('sha256').update(rpId).digest(),
      Buffer.from([flags]),
      counter,
      attested ?? Buffer.alloc(0),
    ]);
  }

  /** The `startRegistration` result for registration options (`challenge` from the server). */
  registration(
    options: { challenge: string },
    tamper: { origin?: string; rpId?: string; topOrigin?: string } = {},
  ): Record<string, unknown> {
    const cose = cbor(
      new Map<number, unknown>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, Buffer.from(this.publicJwk.x, 'base64url')],
        [-3, Buffer.from(this.publicJwk.y, 'base64url')],
        ...(this.publicKeyPadding > 0 ? [[-70000, Buffer.alloc(this.publicKeyPadding)] as [number, unknown]] : []),
      ]),
    );
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(this.credentialId.length);
    const attested = Buffer.concat([Buffer.alloc(16), idLength, this.credentialId, cose]);
    const attestationObject = cbor(
      new Map<string, unknown>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', this.authData(attested, tamper.rpId)],
      ]),
    );
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: {
        clientDataJSON: this.clientData('webauthn.create', options.challenge, tamper.origin, tamper.topOrigin).toString(
          'base64url',
        ),
        attestationObject: attestationObject.toString('base64url'),
        transports: this.transports,
      },
      clientExtensionResults: {},
    };
  }

  /**
   * The `startAuthentication` result for authentication options; the counter goes up by one first
   * (unless the key is counterless).
   * `tamper`: signed as for another origin (the page that asked) or RP ID (the site the key thinks it is
   * on), or in a frame on another site (`topOrigin`).
   */
  assertion(
    options: { challenge: string },
    tamper: { origin?: string; rpId?: string; topOrigin?: string } = {},
  ): Record<string, unknown> {
    if (!this.counterless) this.counter++;
    const authenticatorData = this.authData(null, tamper.rpId);
    const clientDataJSON = this.clientData('webauthn.get', options.challenge, tamper.origin, tamper.topOrigin);
    const signature = sign(
      'sha256',
      Buffer.concat([authenticatorData, createHash('sha256').update(clientDataJSON).digest()]),
      this.privateKey,
    );
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: {
        clientDataJSON: clientDataJSON.toString('base64url'),
        authenticatorData: authenticatorData.toString('base64url'),
        signature: signature.toString('base64url'),
      },
      clientExtensionResults: {},
    };
  }
}

/** Canonical CBOR (RFC 8949) of what a WebAuthn authenticator writes: integers, byte and text strings, maps. */
function cbor(value: unknown): Buffer {
  const head = (major: number, n: number): Buffer => {
    if (n < 24) return Buffer.from([(major << 5) | n]);
    if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
    if (n < 0x10000) return Buffer.from([(major << 5) | 25, n >> 8, n & 0xff]);
    const b = Buffer.alloc(5);
    b[0] = (major << 5) | 26;
    b.writeUInt32BE(n, 1);
    return b;
  };
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (Buffer.isBuffer(value)) return Buffer.concat([head(2, value.length), value]);
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, bytes.length), bytes]);
  }
  if (value instanceof Map) {
    const parts = [head(5, value.size)];
    for (const [k, v] of value) parts.push(cbor(k), cbor(v));
    return Buffer.concat(parts);
  }
  throw new Error(`cbor: unsupported ${typeof value}`);
}
