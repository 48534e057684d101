/**
 * Characters that show nothing: format characters (zero-width space and joiners, bidirectional marks,
 * the byte-order mark, soft hyphen) and separators. `trim()` removes only white space, so a name made
 * of zero-width spaces would pass a "not blank" check and show as nothing in a list.
 */
const INVISIBLE = /[\p{Cf}\p{Z}\s]/gu;

/** Whether `text` shows at least one character. */
export const showsSomething = (text: string): boolean => text.replace(INVISIBLE, '').length > 0;

/** Whether `text` holds a control character or a line or paragraph separator (it would not stay one line). */
export const hasControlCharacter = (text: string): boolean => /[\p{Cc}\p{Zl}\p{Zp}]/u.test(text);

/** Whether `text` holds a format character (which no e-mail address needs, and which hides what it says). */
export const hasFormatCharacter = (text: string): boolean => /\p{Cf}/u.test(text);
