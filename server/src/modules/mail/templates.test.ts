import { describe, expect, it } from 'vitest';
import { mails } from './templates.js';

describe('the recovery-code notice', () => {
  const text = (remaining: number) => mails.recoveryCodeUsed('a@example.test', remaining, 'https://sc.example', 'login').text;

  it('counts the codes left in words that fit the number, and asks for a new set when few or none are left', () => {
    expect(text(9)).toContain('9 unused codes remain.');
    expect(text(9)).not.toContain('Generate a new set');
    expect(text(2)).toContain('2 unused codes remain. Generate a new set soon.');
    expect(text(1)).toContain('1 unused code remains. Generate a new set soon.');
    expect(text(0)).toContain('No unused code remains: generate a new set now.');
  });
});
