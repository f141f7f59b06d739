import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useState, type FormEvent } from 'react';
import { errorLine } from '../common/api-error-alert';
import { strings } from '../strings';
import { useAuth } from './auth-context';
import type { SignInStep } from './session';
import { TotpCodeField, TotpSetupFields, totpCodeOf } from './totp-fields';

/** What the form asks for: the credentials first, then each answer Cognito asks for. */
type Stage = { kind: 'CREDENTIALS' } | Exclude<SignInStep, { kind: 'DONE' } | { kind: 'UNSUPPORTED' }>;

const START: Stage = { kind: 'CREDENTIALS' };

function titleOf(stage: Stage): string {
  if (stage.kind === 'TOTP_SETUP') return strings.auth.totpSetupTitle;
  if (stage.kind === 'TOTP_CODE') return strings.auth.totpCodeTitle;
  return strings.auth.title;
}

function actionOf(stage: Stage): string {
  if (stage.kind === 'NEW_PASSWORD_REQUIRED') return strings.auth.confirm;
  if (stage.kind === 'CREDENTIALS') return strings.auth.signIn;
  return strings.auth.verify;
}

interface FieldsProps {
  stage: Stage;
  username: string;
  setUsername: (value: string) => void;
  password: string;
  setPassword: (value: string) => void;
  newPassword: string;
  setNewPassword: (value: string) => void;
  code: { code: string; onChange: (code: string) => void; error: string | null };
}

function StageFields({ stage, code, ...props }: FieldsProps) {
  if (stage.kind === 'TOTP_SETUP') return <TotpSetupFields secret={stage.secret} uri={stage.uri} {...code} />;
  if (stage.kind === 'TOTP_CODE') return <TotpCodeField {...code} />;
  if (stage.kind === 'NEW_PASSWORD_REQUIRED') {
    return (
      <FormField label={strings.auth.newPassword} description={strings.auth.newPasswordRequired}>
        <Input
          type="password"
          value={props.newPassword}
          onChange={({ detail }) => props.setNewPassword(detail.value)}
          autoComplete="new-password"
        />
      </FormField>
    );
  }
  return (
    <SpaceBetween size="m">
      <FormField label={strings.auth.username}>
        <Input
          value={props.username}
          onChange={({ detail }) => props.setUsername(detail.value)}
          autoComplete="username"
          autoFocus
        />
      </FormField>
      <FormField label={strings.auth.password}>
        <Input
          type="password"
          value={props.password}
          onChange={({ detail }) => props.setPassword(detail.value)}
          autoComplete="current-password"
        />
      </FormField>
    </SpaceBetween>
  );
}

/**
 * Sign-in form, with Cognito's later steps: the first-login new password, enrolling an authenticator app (TOTP)
 * when MFA is on and the user has none yet, and the app's code at each sign-in after that.
 */
export function SignIn() {
  const { service, refresh } = useAuth();
  const [stage, setStage] = useState<Stage>(START);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [code, setCode] = useState('');
  const [codeError, setCodeError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const answer = (): Promise<SignInStep> | null => {
    if (stage.kind === 'CREDENTIALS') return service.signIn(username, password);
    if (stage.kind === 'NEW_PASSWORD_REQUIRED') return service.confirmNewPassword(newPassword);
    const totp = totpCodeOf(code);
    setCodeError(totp ? null : strings.auth.totpCodeInvalid);
    return totp ? service.confirmTotpCode(totp) : null;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const pending = answer();
    if (!pending) return;
    setBusy(true);
    try {
      const next = await pending;
      if (next.kind === 'DONE') await refresh();
      else if (next.kind === 'UNSUPPORTED') setError(new Error(strings.auth.unsupportedStep(next.step)));
      else {
        setStage(next);
        setCode('');
      }
    } catch (cause) {
      setError(cause);
    } finally {
      setBusy(false);
    }
  };

  const startOver = () => {
    setStage(START);
    setPassword('');
    setNewPassword('');
    setCode('');
    setCodeError(null);
    setError(null);
  };

  const fields = {
    username,
    setUsername,
    password,
    setPassword,
    newPassword,
    setNewPassword,
    code: { code, onChange: setCode, error: codeError },
  };
  return (
    <Box padding="xxxl">
      <div style={{ maxWidth: 480, margin: '0 auto' }}>
        <form onSubmit={e => void submit(e)}>
          <Form
            header={<Header variant="h1">{strings.appName}</Header>}
            actions={
              <SpaceBetween direction="horizontal" size="xs">
                {stage.kind !== 'CREDENTIALS' ? (
                  <Button variant="link" formAction="none" onClick={startOver} disabled={busy}>
                    {strings.auth.startOver}
                  </Button>
                ) : null}
                <Button variant="primary" formAction="submit" loading={busy}>
                  {actionOf(stage)}
                </Button>
              </SpaceBetween>
            }
            errorText={error ? errorLine(error) : undefined}
          >
            <Container header={<Header variant="h2">{titleOf(stage)}</Header>}>
              <StageFields stage={stage} {...fields} />
            </Container>
          </Form>
        </form>
      </div>
    </Box>
  );
}
