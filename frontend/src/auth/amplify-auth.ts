import { confirmSignIn, fetchAuthSession, signIn, signOut, type SignInOutput } from '@aws-amplify/auth';
import { cognitoUserPoolsTokenProvider } from '@aws-amplify/auth/cognito';
import { Amplify, type ResourcesConfig } from '@aws-amplify/core';
import type { AppConfig } from '../config';
import type { AuthService, Session, SignInStep } from './session';
import { sessionFromClaims } from './session';

function toStep(output: SignInOutput): SignInStep {
  const step = output.nextStep.signInStep;
  if (step === 'DONE') return { kind: 'DONE' };
  if (step === 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED') return { kind: 'NEW_PASSWORD_REQUIRED' };
  return { kind: 'UNSUPPORTED', step };
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
      return toStep(await signIn({ username, password, options: { authFlowType } }));
    },
    async confirmNewPassword(password) {
      return toStep(await confirmSignIn({ challengeResponse: password }));
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
