import { groupsFromClaim } from './permissions';

export interface Session {
  username: string;
  groups: string[];
}

export type SignInStep = { kind: 'DONE' } | { kind: 'NEW_PASSWORD_REQUIRED' } | { kind: 'UNSUPPORTED'; step: string };

/** Sign-in and tokens, behind one small interface (Cognito through Amplify in the app, a fake in tests). */
export interface AuthService {
  currentSession(): Promise<Session | null>;
  signIn(username: string, password: string): Promise<SignInStep>;
  confirmNewPassword(password: string): Promise<SignInStep>;
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
