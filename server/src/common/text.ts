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

/**
 * Whether `text` holds a bidirectional control (embeddings, overrides, isolates, marks), which can make
 * a name read backwards or move the text after it ("yekbuY" shown as "YubKey"). Other format characters
 * stay allowed where emoji may appear (the zero-width joiner of "👩‍💻").
 */
export const hasBidiControl = (text: string): boolean => /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u.test(text);
