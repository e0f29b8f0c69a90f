import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.ts';

/**
 * perfcell's words that are not UTF-8. Node decodes its command line as UTF-8 and puts U+FFFD in
 * place of bytes that are not, so a program or an argument with such bytes (a file named in
 * Latin-1) would be run changed: `./tr\xffue` not found (127), `a\xfe\xffb` handed on as
 * `a\uFFFD\uFFFDb`. The bytes as given are in /proc/self/cmdline, whose last words are argv's
 * (node's own flags come before the script). Returns each such word as given, bytes as `\xNN`.
 * @example notUtf8Words(['node', 'cli.cjs', 'run', '--', './tr\uFFFDue'], Buffer.from('node\0cli.cjs\0run\0--\0./tr\xffue\0', 'latin1')) // ['./tr\\xffue']
 */
export function notUtf8Words(argv: readonly string[], cmdline: Buffer): string[] {
  const words = splitNulEnded(cmdline);
  const given = argv.slice(2);
  const raw = words.slice(words.length - given.length);
  if (raw.length !== given.length) return [];
  return given.flatMap((word, index) => {
    const bytes = raw[index] as Buffer;
    return word.includes('\uFFFD') && !bytes.equals(Buffer.from(word)) ? [escapedBytes(bytes)] : [];
  });
}

function splitNulEnded(buffer: Buffer): Buffer[] {
  const words: Buffer[] = [];
  let start = 0;
  for (let end = buffer.indexOf(0, start); end !== -1; end = buffer.indexOf(0, start)) {
    words.push(buffer.subarray(start, end));
    start = end + 1;
  }
  return words;
}

/** The word with every byte that is not printable ASCII as `\xNN`. */
function escapedBytes(bytes: Buffer): string {
  return [...bytes].map((byte) => (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`)).join('');
}

/** Refuses a command line with a word that is not UTF-8, before anything runs: perfcell could not pass it on as given. */
export function refuseNotUtf8(argv: readonly string[], readCmdline: () => Buffer = () => readFileSync('/proc/self/cmdline')): void {
  if (!argv.some((word) => word.includes('\uFFFD'))) return;
  let cmdline: Buffer;
  try {
    cmdline = readCmdline();
  } catch {
    return;
  }
  const [first] = notUtf8Words(argv, cmdline);
  if (first === undefined) return;
  throw new UsageError(
    `${first} is not UTF-8, and Node, which perfcell runs on, would hand it on changed: name it in UTF-8, or let a shell make its bytes from ASCII (./tr\\xffue as perfcell run -- sh -c './tr$(printf "\\377")ue')`,
  );
}
