import FormField from '@cloudscape-design/components/form-field';
import Input from '@cloudscape-design/components/input';
import Textarea from '@cloudscape-design/components/textarea';

/** A labelled text input (or textarea) with its error shown beneath. */
export function TextField({
  label,
  value,
  error,
  onChange,
  description,
  multiline = false,
  numeric = false,
}: {
  label: string;
  value: string;
  error: string | undefined;
  onChange: (value: string) => void;
  description?: string;
  multiline?: boolean;
  numeric?: boolean;
}) {
  return (
    <FormField label={label} errorText={error} description={description}>
      {multiline ? (
        <Textarea value={value} rows={3} onChange={({ detail }) => onChange(detail.value)} ariaLabel={label} />
      ) : (
        <Input
          value={value}
          inputMode={numeric ? 'numeric' : undefined}
          onChange={({ detail }) => onChange(detail.value)}
          ariaLabel={label}
        />
      )}
    </FormField>
  );
}
