import Button, { type ButtonProps } from '@cloudscape-design/components/button';
import type { Gate } from '../auth/permissions';

/**
 * A button that is disabled, with the reason given, when the user's role or the resource's state does not allow
 * the action (Cloudscape shows `disabledReason` as a tooltip reachable by keyboard).
 */
export function GatedButton({ gate, disabled, ...props }: ButtonProps & { gate: Gate }) {
  return (
    <Button
      {...props}
      disabled={disabled === true || !gate.allowed}
      {...(gate.allowed ? {} : { disabledReason: gate.reason })}
    />
  );
}
