import { createTheme, Modal, NativeSelect, PasswordInput, TextInput } from '@mantine/core';

/**
 * Required fields carry the native `required` attribute but no asterisk: on these short forms every
 * field is required, and the asterisk would become part of the label's text ("Password *"), which is
 * what label-based lookups (password managers, tests) match on.
 */
const noAsterisk = { defaultProps: { withAsterisk: false } };

export const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'md',
  cursorType: 'pointer',
  components: {
    TextInput: TextInput.extend(noAsterisk),
    PasswordInput: PasswordInput.extend(noAsterisk),
    NativeSelect: NativeSelect.extend(noAsterisk),
    // Every dialog's × has a name: a screen reader would read it as just "button".
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
  },
});
