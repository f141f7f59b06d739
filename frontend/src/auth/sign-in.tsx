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

/** Sign-in form, including Cognito's first-login "new password required" step. */
export function SignIn() {
  const { service, refresh } = useAuth();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [needsNewPassword, setNeedsNewPassword] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const step = needsNewPassword
        ? await service.confirmNewPassword(newPassword)
        : await service.signIn(username, password);
      if (step.kind === 'DONE') await refresh();
      else if (step.kind === 'NEW_PASSWORD_REQUIRED') setNeedsNewPassword(true);
      else setError(new Error(strings.auth.unsupportedStep(step.step)));
    } catch (cause) {
      setError(cause);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box padding="xxxl">
      <div style={{ maxWidth: 420, margin: '0 auto' }}>
        <form onSubmit={e => void submit(e)}>
          <Form
            header={<Header variant="h1">{strings.appName}</Header>}
            actions={
              <Button variant="primary" formAction="submit" loading={busy}>
                {needsNewPassword ? strings.auth.confirm : strings.auth.signIn}
              </Button>
            }
            errorText={error ? errorLine(error) : undefined}
          >
            <Container header={<Header variant="h2">{strings.auth.title}</Header>}>
              <SpaceBetween size="m">
                {needsNewPassword ? (
                  <FormField label={strings.auth.newPassword} description={strings.auth.newPasswordRequired}>
                    <Input
                      type="password"
                      value={newPassword}
                      onChange={({ detail }) => setNewPassword(detail.value)}
                      autoComplete="new-password"
                    />
                  </FormField>
                ) : (
                  <>
                    <FormField label={strings.auth.username}>
                      <Input
                        value={username}
                        onChange={({ detail }) => setUsername(detail.value)}
                        autoComplete="username"
                        autoFocus
                      />
                    </FormField>
                    <FormField label={strings.auth.password}>
                      <Input
                        type="password"
                        value={password}
                        onChange={({ detail }) => setPassword(detail.value)}
                        autoComplete="current-password"
                      />
                    </FormField>
                  </>
                )}
              </SpaceBetween>
            </Container>
          </Form>
        </form>
      </div>
    </Box>
  );
}
