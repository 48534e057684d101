import { describe, expect, it } from 'vitest';
import { mailboxOf } from './two-factor.service.js';

describe('the mailbox an address reaches (the per-address budget of setup codes)', () => {
  it('takes other spellings of one mailbox for one', () => {
    expect(mailboxOf('Jo.Smith+news@Gmail.com')).toBe('josmith@gmail.com');
    expect(mailboxOf('jo.smith@googlemail.com')).toBe('josmith@gmail.com');
    expect(mailboxOf('jo+a+b@example.com')).toBe('jo@example.com');
    // A Unicode domain and its ASCII (punycode) form, in any case, with or without the root's dot.
    expect(mailboxOf('jo@bücher.example')).toBe('jo@xn--bcher-kva.example');
    expect(mailboxOf('JO@XN--BCHER-KVA.example.')).toBe('jo@xn--bcher-kva.example');
  });

  it('keeps mailboxes apart where the spelling matters: dots outside Gmail, other local parts', () => {
    expect(mailboxOf('jo.smith@example.com')).toBe('jo.smith@example.com');
    expect(mailboxOf('josmithx@gmail.com')).not.toBe(mailboxOf('josmith@gmail.com'));
  });
});
