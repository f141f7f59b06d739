// @vitest-environment jsdom
import createWrapper from '@cloudscape-design/components/test-utils/dom';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { strings } from '../strings';
import { amplifyAuth } from './amplify-auth';
import { AuthProvider, useAuth } from './auth-context';
import { SignIn } from './sign-in';

// Amplify is replaced at its module boundary: the console's own adapter (amplifyAuth) and form run as they are.
const amplify = vi.hoisted(() => ({
  signIn: vi.fn(),
  confirmSignIn: vi.fn(),
  fetchAuthSession: vi.fn(),
  signOut: vi.fn(),
}));
vi.mock('@aws-amplify/auth', () => amplify);
vi.mock('@aws-amplify/auth/cognito', () => ({ cognitoUserPoolsTokenProvider: { setAuthConfig: vi.fn() } }));
vi.mock('@aws-amplify/core', () => ({ Amplify: { configure: vi.fn() } }));

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const config = {
  region: 'us-east-1',
  userPoolId: 'us-east-1_pool',
  userPoolClientId: 'client',
  apiUrl: 'https://api.test/v1',
};

const done = { isSignedIn: true, nextStep: { signInStep: 'DONE' } };
const newPassword = { isSignedIn: false, nextStep: { signInStep: 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED' } };
const totpCode = { isSignedIn: false, nextStep: { signInStep: 'CONFIRM_SIGN_IN_WITH_TOTP_CODE' } };
const totpSetup = {
  isSignedIn: false,
  nextStep: {
    signInStep: 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP',
    totpSetupDetails: {
      sharedSecret: SECRET,
      getSetupUri: (appName: string, accountName?: string) =>
        new URL(`otpauth://totp/${appName}:${accountName}?secret=${SECRET}&issuer=${appName}`),
    },
  },
};

let signedIn = false;

function Gate() {
  const { session, loading } = useAuth();
  if (loading) return null;
  return session ? <p>signed in as {session.username}</p> : <SignIn />;
}

function renderSignIn() {
  render(
    <AuthProvider service={amplifyAuth(config)}>
      <Gate />
    </AuthProvider>,
  );
}

const page = () => createWrapper(document.body);
const submit = () => fireEvent.submit(document.querySelector('form')!);

async function enterCredentials(username: string, password: string) {
  await waitFor(() => expect(page().findInput()).toBeTruthy());
  const [user, pass] = page().findAllInputs();
  user!.setInputValue(username);
  pass!.setInputValue(password);
  submit();
}

async function stepTitled(title: string) {
  await waitFor(() => expect(page().findContainer()!.findHeader()!.getElement().textContent).toBe(title));
}

function typeCode(code: string) {
  page().findFormField(`:has(input[autocomplete="one-time-code"])`)!.findControl()!.findInput()!.setInputValue(code);
}

beforeEach(() => {
  vi.clearAllMocks();
  signedIn = false;
  amplify.fetchAuthSession.mockImplementation(async () => ({
    tokens: signedIn ? { idToken: { payload: { email: 'admin@example.com' }, toString: () => 'jwt' } } : undefined,
  }));
});

describe('sign-in with TOTP', () => {
  it('test_enrols_an_authenticator_app_with_secret_and_uri_then_signs_in_with_its_first_code', async () => {
    // Given a first sign-in in a pool with MFA on: new password, then the TOTP set-up
    amplify.signIn.mockResolvedValue(newPassword);
    amplify.confirmSignIn.mockResolvedValueOnce(totpSetup).mockImplementationOnce(async () => {
      signedIn = true;
      return done;
    });
    renderSignIn();
    await enterCredentials('admin@example.com', 'Temp-Passw0rd!');
    await waitFor(() => expect(screen.getByText(strings.auth.newPasswordRequired)).toBeTruthy());
    page().findInput()!.setInputValue('Chosen-Passw0rd!');
    submit();

    // Then the set-up shows the secret as text and as an otpauth:// URI naming the console and the user
    await stepTitled(strings.auth.totpSetupTitle);
    expect(amplify.signIn).toHaveBeenCalledWith({
      username: 'admin@example.com',
      password: 'Temp-Passw0rd!',
      options: { authFlowType: 'USER_SRP_AUTH' },
    });
    expect(amplify.confirmSignIn).toHaveBeenNthCalledWith(1, { challengeResponse: 'Chosen-Passw0rd!' });
    expect(screen.getByText(SECRET)).toBeTruthy();
    const uri = `otpauth://totp/DRS%20Orchestration:admin@example.com?secret=${SECRET}&issuer=DRS%20Orchestration`;
    expect(screen.getByText(uri)).toBeTruthy();

    // When the app's first code is entered (as the app shows it, with a space)
    typeCode('123 456');
    submit();

    // Then the code is verified with Cognito and the user is signed in
    await waitFor(() => expect(screen.getByText('signed in as admin@example.com')).toBeTruthy());
    expect(amplify.confirmSignIn).toHaveBeenNthCalledWith(2, { challengeResponse: '123456' });
  });

  it('test_asks_for_the_code_of_the_enrolled_app_at_a_later_sign_in', async () => {
    amplify.signIn.mockResolvedValue(totpCode);
    amplify.confirmSignIn.mockImplementation(async () => {
      signedIn = true;
      return done;
    });
    renderSignIn();
    await enterCredentials('admin@example.com', 'Chosen-Passw0rd!');
    await stepTitled(strings.auth.totpCodeTitle);
    expect(screen.queryByText(strings.auth.totpSetupIntro)).toBeNull();

    typeCode('654321');
    submit();

    await waitFor(() => expect(screen.getByText('signed in as admin@example.com')).toBeTruthy());
    expect(amplify.confirmSignIn).toHaveBeenCalledExactlyOnceWith({ challengeResponse: '654321' });
  });

  it('test_refuses_a_code_that_is_not_six_digits_without_asking_cognito', async () => {
    amplify.signIn.mockResolvedValue(totpCode);
    renderSignIn();
    await enterCredentials('admin@example.com', 'Chosen-Passw0rd!');
    await stepTitled(strings.auth.totpCodeTitle);

    typeCode('12345');
    submit();

    await waitFor(() => expect(screen.getByText(strings.auth.totpCodeInvalid)).toBeTruthy());
    expect(amplify.confirmSignIn).not.toHaveBeenCalled();
  });

  it('test_shows_cognitos_answer_to_a_wrong_code_and_lets_the_user_try_again', async () => {
    amplify.signIn.mockResolvedValue(totpCode);
    amplify.confirmSignIn.mockRejectedValueOnce(new Error('Invalid code received for user'));
    renderSignIn();
    await enterCredentials('admin@example.com', 'Chosen-Passw0rd!');
    await stepTitled(strings.auth.totpCodeTitle);

    typeCode('000000');
    submit();

    await waitFor(() => expect(screen.getByText('Invalid code received for user')).toBeTruthy());
    expect(page().findContainer()!.findHeader()!.getElement().textContent).toBe(strings.auth.totpCodeTitle);
  });

  it('test_answers_cognitos_choice_of_factor_with_totp_and_goes_on_to_the_set_up', async () => {
    amplify.signIn.mockResolvedValue({
      isSignedIn: false,
      nextStep: { signInStep: 'CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION', allowedMFATypes: ['EMAIL', 'TOTP'] },
    });
    amplify.confirmSignIn.mockResolvedValue(totpSetup);
    renderSignIn();
    await enterCredentials('admin@example.com', 'Chosen-Passw0rd!');

    await stepTitled(strings.auth.totpSetupTitle);
    expect(amplify.confirmSignIn).toHaveBeenCalledExactlyOnceWith({ challengeResponse: 'TOTP' });
  });

  it('test_start_over_returns_to_the_credentials', async () => {
    amplify.signIn.mockResolvedValue(totpCode);
    renderSignIn();
    await enterCredentials('admin@example.com', 'Chosen-Passw0rd!');
    await stepTitled(strings.auth.totpCodeTitle);

    fireEvent.click(screen.getByText(strings.auth.startOver));

    await stepTitled(strings.auth.title);
    expect(page().findAllInputs()).toHaveLength(2);
  });

  it('test_names_a_step_the_console_does_not_support', async () => {
    amplify.signIn.mockResolvedValue({ isSignedIn: false, nextStep: { signInStep: 'CONFIRM_SIGN_IN_WITH_SMS_CODE' } });
    renderSignIn();
    await enterCredentials('admin@example.com', 'Chosen-Passw0rd!');

    await waitFor(() =>
      expect(screen.getByText(strings.auth.unsupportedStep('CONFIRM_SIGN_IN_WITH_SMS_CODE'))).toBeTruthy(),
    );
  });
});
