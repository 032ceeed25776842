/** OpenID Connect sign-in's tables (sql/20261209050000_oidc.sql). */
export interface OidcTables {
  oidc_identity: OidcIdentityTable;
  oidc_attempt: OidcAttemptTable;
}

declare module '../db/schema.js' {
  interface Database extends OidcTables {}
}

/** Which identity-provider account (issuer + `sub`) a staff account is. */
export interface OidcIdentityTable {
  user_id: string;
  issuer: string;
  sub: string;
  bound_at: Date;
}

/** A sign-in under way at the provider: keyed by the hash of the browser's cookie token. */
export interface OidcAttemptTable {
  token_hash: string;
  state: string;
  nonce: string;
  code_verifier: string;
  next_path: string;
  expires_at: Date;
}
