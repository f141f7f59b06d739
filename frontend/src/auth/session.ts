import { groupsFromClaim } from './permissions';

export interface Session {
  username: string;
  groups: string[];
}

/** Where a sign-in stands: done, or the answer Cognito asks for next. */
export type SignInStep =
  | { kind: 'DONE' }
  | { kind: 'NEW_PASSWORD_REQUIRED' }
  /** First sign-in with MFA on: enrol an authenticator app with this secret (also as an `otpauth://` URI). */
  | { kind: 'TOTP_SETUP'; secret: string; uri: string }
  /** A 6-digit code from the authenticator app enrolled earlier. */
  | { kind: 'TOTP_CODE' }
  | { kind: 'UNSUPPORTED'; step: string };

/** Sign-in and tokens, behind one small interface (Cognito through Amplify in the app, a fake in tests). */
export interface AuthService {
  currentSession(): Promise<Session | null>;
  signIn(username: string, password: string): Promise<SignInStep>;
  confirmNewPassword(password: string): Promise<SignInStep>;
  /** Answers TOTP_SETUP (verifies the newly enrolled app) and TOTP_CODE with a code from the app. */
  confirmTotpCode(code: string): Promise<SignInStep>;
  signOut(): Promise<void>;
  /** The Cognito ID token, sent as the Authorization header (what the API's Cognito authorizer accepts). */
  idToken(): Promise<string | null>;
}

/** The session a Cognito ID token's payload describes. */
export function sessionFromClaims(claims: Record<string, unknown>): Session {
  const username =
    (typeof claims.email === 'string' && claims.email) ||
    (typeof claims['cognito:username'] === 'string' && claims['cognito:username']) ||
    (typeof claims.sub === 'string' && claims.sub) ||
    '';
  return { username, groups: groupsFromClaim(claims['cognito:groups']) };
}
