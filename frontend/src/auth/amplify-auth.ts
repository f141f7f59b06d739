import { confirmSignIn, fetchAuthSession, signIn, signOut, type SignInOutput } from '@aws-amplify/auth';
import { cognitoUserPoolsTokenProvider } from '@aws-amplify/auth/cognito';
import { Amplify, type ResourcesConfig } from '@aws-amplify/core';
import type { AppConfig } from '../config';
import { strings } from '../strings';
import type { AuthService, Session, SignInStep } from './session';
import { sessionFromClaims } from './session';

/** The issuer an authenticator app shows next to the account it holds a code for. */
const TOTP_ISSUER = strings.appName;

type NextStep = SignInOutput['nextStep'];

/** The pool enables TOTP as its only factor; should Cognito still ask which one to use or set up, TOTP is it. */
function answersWithTotp(next: NextStep): boolean {
  return (
    (next.signInStep === 'CONTINUE_SIGN_IN_WITH_MFA_SELECTION' ||
      next.signInStep === 'CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION') &&
    (next.allowedMFATypes ?? []).includes('TOTP')
  );
}

async function toStep(output: SignInOutput, username: string): Promise<SignInStep> {
  const next = output.nextStep;
  if (answersWithTotp(next)) return toStep(await confirmSignIn({ challengeResponse: 'TOTP' }), username);
  switch (next.signInStep) {
    case 'DONE':
      return { kind: 'DONE' };
    case 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED':
      return { kind: 'NEW_PASSWORD_REQUIRED' };
    case 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP': {
      const details = next.totpSetupDetails;
      const uri = details.getSetupUri(TOTP_ISSUER, username || undefined).toString();
      return { kind: 'TOTP_SETUP', secret: details.sharedSecret, uri };
    }
    case 'CONFIRM_SIGN_IN_WITH_TOTP_CODE':
      return { kind: 'TOTP_CODE' };
    default:
      return { kind: 'UNSUPPORTED', step: next.signInStep };
  }
}

/**
 * Cognito through Amplify Auth v6. Against AWS, SRP (the password never leaves the browser), the only password flow
 * the app client allows. With a custom `cognitoEndpoint` (local mode, moto's Cognito) the plain USER_PASSWORD_AUTH
 * flow is used: moto answers the SRP challenge without checking the password proof (any password signs in) and puts
 * the user id in the token's email claim, while it checks a plain password like Cognito does.
 */
export function amplifyAuth(config: AppConfig): AuthService {
  const resources: ResourcesConfig = {
    Auth: {
      Cognito: {
        userPoolId: config.userPoolId,
        userPoolClientId: config.userPoolClientId,
        ...(config.cognitoEndpoint ? { userPoolEndpoint: config.cognitoEndpoint } : {}),
      },
    },
  };
  // Without the aws-amplify umbrella package, the token provider is wired by hand (what its configure does).
  if (resources.Auth) cognitoUserPoolsTokenProvider.setAuthConfig(resources.Auth);
  Amplify.configure(resources, { Auth: { tokenProvider: cognitoUserPoolsTokenProvider } });
  const authFlowType = config.cognitoEndpoint ? 'USER_PASSWORD_AUTH' : 'USER_SRP_AUTH';

  const tokens = async () => (await fetchAuthSession()).tokens;
  // The user name of the sign-in under way: the account name an authenticator app shows.
  let signingIn = '';

  return {
    async currentSession(): Promise<Session | null> {
      try {
        const idToken = (await tokens())?.idToken;
        return idToken ? sessionFromClaims(idToken.payload) : null;
      } catch {
        return null;
      }
    },
    async signIn(username, password) {
      signingIn = username;
      return toStep(await signIn({ username, password, options: { authFlowType } }), signingIn);
    },
    async confirmNewPassword(password) {
      return toStep(await confirmSignIn({ challengeResponse: password }), signingIn);
    },
    async confirmTotpCode(code) {
      return toStep(await confirmSignIn({ challengeResponse: code }), signingIn);
    },
    async signOut() {
      await signOut();
    },
    async idToken() {
      try {
        return (await tokens())?.idToken?.toString() ?? null;
      } catch {
        return null;
      }
    },
  };
}
