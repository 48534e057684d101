/**
 * Reads one line typed at a terminal without showing it (a password): the terminal is put in raw mode,
 * so nothing is echoed, and this function does the line editing itself. Enter (or Ctrl-D) ends the
 * line, Backspace takes back the last character, Ctrl-U the whole line; arrow and other keys that send
 * escape sequences are ignored. Ctrl-C abandons it: null. The prompt and the final new line go to
 * `output` (standard error: standard output carries a command's answer alone).
 */
export function readHiddenLine(
  prompt: string,
  input: NodeJS.ReadStream = process.stdin,
  output: NodeJS.WritableStream = process.stderr,
): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chars: string[] = [];
    /** Inside an escape sequence: after ESC, after ESC [ (CSI, up to its final byte), after ESC O (one more). */
    let escape: 'none' | 'esc' | 'csi' | 'ss3' = 'none';
    const done = (): void => {
      input.off('data', onData);
      input.off('error', onError);
      input.setRawMode(false);
      input.pause();
      output.write('\n');
    };
    const onError = (err: Error): void => {
      done();
      reject(err);
    };
    const onData = (chunk: string | Buffer): void => {
      // Code points, not UTF-16 units: a character outside the BMP is taken back whole.
      for (const ch of chunk.toString()) {
        if (escape === 'esc') {
          escape = ch === '[' ? 'csi' : ch === 'O' ? 'ss3' : 'none';
          continue;
        }
        if (escape === 'csi') {
          if (ch >= '@' && ch <= '~') escape = 'none';
          continue;
        }
        if (escape === 'ss3') {
          escape = 'none';
          continue;
        }
        switch (ch) {
          case '\r':
          case '\n':
          case '\u0004': // Ctrl-D
            done();
            resolve(chars.join(''));
            return;
          case '\u0003': // Ctrl-C
            done();
            resolve(null);
            return;
          case '\u007f':
          case '\b':
            chars.pop();
            break;
          case '\u0015': // Ctrl-U
            chars.length = 0;
            break;
          case '\u001b':
            escape = 'esc';
            break;
          default:
            if (ch >= ' ') chars.push(ch);
        }
      }
    };
    // No echo before the prompt shows: what is typed as soon as it appears must not be echoed.
    input.setRawMode(true);
    output.write(prompt);
    input.setEncoding('utf8');
    input.on('data', onData);
    input.on('error', onError);
    input.resume();
  });
}
