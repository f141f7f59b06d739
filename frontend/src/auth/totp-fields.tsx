import Box from '@cloudscape-design/components/box';
import CopyToClipboard from '@cloudscape-design/components/copy-to-clipboard';
import FormField from '@cloudscape-design/components/form-field';
import Input from '@cloudscape-design/components/input';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { strings } from '../strings';

/** A TOTP code: six digits, spaces an app may show between groups left out. */
export function totpCodeOf(typed: string): string | null {
  const code = typed.replace(/\s/g, '');
  return /^\d{6}$/.test(code) ? code : null;
}

interface CodeProps {
  code: string;
  onChange: (code: string) => void;
  error: string | null;
}

/** The 6-digit code from the authenticator app. */
export function TotpCodeField({ code, onChange, error }: CodeProps) {
  return (
    <FormField
      label={strings.auth.totpCode}
      description={strings.auth.totpCodeDescription}
      errorText={error ?? undefined}
    >
      <Input
        value={code}
        onChange={({ detail }) => onChange(detail.value)}
        inputMode="numeric"
        autoComplete="one-time-code"
        autoFocus
      />
    </FormField>
  );
}

function Copyable({ text }: { text: string }) {
  return (
    <CopyToClipboard
      variant="inline"
      textToCopy={text}
      textToDisplay={<span style={{ wordBreak: 'break-all' }}>{text}</span>}
      copyButtonAriaLabel={strings.auth.copy}
      copySuccessText={strings.auth.copied}
      copyErrorText={strings.auth.copyFailed}
    />
  );
}

/**
 * First sign-in with MFA on: the authenticator app is enrolled with the shared secret, as text and as an
 * `otpauth://` URI, and the first code it shows proves the enrolment.
 */
export function TotpSetupFields({ secret, uri, ...code }: CodeProps & { secret: string; uri: string }) {
  return (
    <SpaceBetween size="m">
      <Box variant="p">{strings.auth.totpSetupIntro}</Box>
      <FormField label={strings.auth.totpSecret} description={strings.auth.totpSecretDescription}>
        <Copyable text={secret} />
      </FormField>
      <FormField label={strings.auth.totpUri} description={strings.auth.totpUriDescription}>
        <Copyable text={uri} />
      </FormField>
      <TotpCodeField {...code} />
    </SpaceBetween>
  );
}
