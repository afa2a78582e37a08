// Signed Apple profiles: CMS SignedData (RFC 5652) in DER, content encapsulated, the signer's chain
// included (CLIENTS.md §3). All ASN.1 is built by pkijs/asn1js; the signature itself is WebCrypto's.
import { Buffer } from 'node:buffer'
import { createHash, webcrypto } from 'node:crypto'
import type * as Asn1js from 'asn1js'
import type * as Pkijs from 'pkijs'
import type { ProfileSigning } from '../settings/model.js'

// RFC 5652 §11 / RFC 2985 attribute types.
const CONTENT_TYPE = '1.2.840.113549.1.9.3'
const MESSAGE_DIGEST = '1.2.840.113549.1.9.4'
const SIGNING_TIME = '1.2.840.113549.1.9.5'

const WEBCRYPTO_CURVE: Record<string, string> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
}

interface PreparedSigner {
  readonly key: webcrypto.CryptoKey
  readonly signer: Pkijs.Certificate
  /** Signer and chain, sorted by encoding as DER wants a SET OF to be. */
  readonly certificates: readonly Pkijs.Certificate[]
  readonly pkijs: typeof Pkijs
  readonly asn1js: typeof Asn1js
}

// Key import is asynchronous in WebCrypto: done once per loaded identity, on first use. pkijs and asn1js
// are loaded then too: most configs never sign, and `serve` starts faster without them (issue 9).
const prepared = new WeakMap<ProfileSigning, Promise<PreparedSigner>>()

async function prepare(signing: ProfileSigning): Promise<PreparedSigner> {
  const curve = signing.key.asymmetricKeyDetails?.namedCurve
  const algorithm =
    curve === undefined
      ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
      : { name: 'ECDSA', namedCurve: WEBCRYPTO_CURVE[curve] as string }
  const der = signing.key.export({ format: 'der', type: 'pkcs8' })
  const [key, pkijs, asn1js] = await Promise.all([
    webcrypto.subtle.importKey('pkcs8', der, algorithm, false, ['sign']),
    import('pkijs'),
    import('asn1js'),
  ])
  const raws = [signing.certificate, ...signing.chain].map((c) => c.raw)
  return {
    key,
    signer: pkijs.Certificate.fromBER(signing.certificate.raw),
    certificates: raws.sort(Buffer.compare).map((raw) => pkijs.Certificate.fromBER(raw)),
    pkijs,
    asn1js,
  }
}

/** The profile as CMS SignedData (DER). Signing time makes each signature unique; the content is not. */
export async function signProfile(
  signing: ProfileSigning,
  content: string,
  now = new Date(),
): Promise<Buffer> {
  let signer = prepared.get(signing)
  if (signer === undefined) {
    signer = prepare(signing)
    prepared.set(signing, signer)
  }
  const { key, signer: certificate, certificates, pkijs, asn1js } = await signer
  const attribute = (type: string, value: Asn1js.AsnType) => new pkijs.Attribute({ type, values: [value] })
  const bytes = Buffer.from(content, 'utf8')
  const digest = createHash('sha256').update(bytes).digest()
  const signedData = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({
      eContentType: pkijs.ContentInfo.DATA,
      eContent: new asn1js.OctetString({ valueHex: bytes }),
    }),
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({
          issuer: certificate.issuer,
          serialNumber: certificate.serialNumber,
        }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({
          type: 0,
          // Already in DER SET OF order (shortest encoding first).
          attributes: [
            attribute(CONTENT_TYPE, new asn1js.ObjectIdentifier({ value: pkijs.ContentInfo.DATA })),
            attribute(SIGNING_TIME, new asn1js.UTCTime({ valueDate: now })),
            attribute(MESSAGE_DIGEST, new asn1js.OctetString({ valueHex: digest })),
          ],
        }),
      }),
    ],
    certificates: [...certificates],
  })
  await signedData.sign(key, 0, 'SHA-256')
  const contentInfo = new pkijs.ContentInfo({
    contentType: pkijs.ContentInfo.SIGNED_DATA,
    content: signedData.toSchema(true),
  })
  return Buffer.from(contentInfo.toSchema().toBER(false))
}
