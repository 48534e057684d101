/** A 6-digit code as typed or pasted: apps show it as "123 456"; the spaces are dropped as it is entered. */
export const withoutSpaces = (value: string): string => value.replace(/\s/g, '');
