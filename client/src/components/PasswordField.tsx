import { PasswordInput, type PasswordInputProps } from '@mantine/core';

/**
 * Mantine's PasswordInput with a show/hide toggle whose name does not repeat the word "password",
 * so the field's label stays the only thing on the page called "Password". The toggle can be reached
 * with the keyboard (Tab after the field), not only with a pointer.
 */
export function PasswordField(props: PasswordInputProps) {
  return <PasswordInput visibilityToggleButtonProps={{ 'aria-label': 'Show characters' }} visibilityToggleFocusable {...props} />;
}
