/** Invoice signatures: XAdES signing for issuers, ETSI EN 319 102-1 style validation for the hub. */
import 'reflect-metadata';
export {
  signInvoice,
  SigningError,
  type ExternalSigningKey,
  type SignOptions,
  type SignerInput,
} from './sign';
export { SignerCredentialsError } from './signer-credentials';
export { verifySignature } from './verify';
export type * from './types';
