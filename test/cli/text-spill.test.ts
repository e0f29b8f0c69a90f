import { describe, expect, it } from 'vitest';
import { ByteBuffer } from '../../src/render/byte-buffer.ts';
import { openUnlinkedTempFile, TextSpill } from '../../src/cli/text-spill.ts';
import { seededRandom } from '../support/seeded-random.ts';

/** Everything `spill` holds under `key`, copied out through a ByteBuffer of small pieces. */
function copied(spill: TextSpill, key: string): string {
  const pieces: Buffer[] = [];
  const out = new ByteBuffer((piece) => pieces.push(Buffer.from(piece)), 16);
  // a pause after each piece from the file, for the caller to wait on its reader
  for (const _pause of spill.copyTo(key, out)) continue;
  out.spill();
  return Buffer.concat(pieces).toString('utf8');
}

describe('TextSpill', () => {
  const random = seededRandom(3);
  const keys = ['a', 'b', 'cycles', 'ünïcode'];
  const appends = Array.from({ length: 2000 }, (_, index) => ({ key: keys[Math.floor(random() * keys.length)]!, text: `{"n":${index},"s":"${'é'.repeat(Math.floor(random() * 5))}"}` }));
  const expected = (key: string): string =>
    appends
      .filter((append) => append.key === key)
      .map((append) => append.text)
      .join(',');

  it('gives back each key its text in order, interleaved appends stored in a file once over the memory bound', () => {
    let opened = 0;
    const spill = new TextSpill({
      memoryChars: 300,
      chunkChars: 100,
      openFile: () => {
        opened++;
        return openUnlinkedTempFile();
      },
    });
    for (const { key, text } of appends) spill.append(key, text, ',');
    expect(opened).toBe(1);
    for (const key of keys) expect(copied(spill, key)).toBe(expected(key));
    expect(spill.has('a')).toBe(true);
    expect(spill.has('absent')).toBe(false);
    expect(copied(spill, 'absent')).toBe('');
    spill.close();
  });

  it('keeps the text in memory, losing none, where no temporary file can be made', () => {
    const spill = new TextSpill({
      memoryChars: 300,
      chunkChars: 100,
      openFile: () => {
        throw Object.assign(new Error('read-only file system'), { code: 'EROFS' });
      },
    });
    for (const { key, text } of appends) spill.append(key, text, ',');
    for (const key of keys) expect(copied(spill, key)).toBe(expected(key));
    spill.close();
  });

  it('opens no file while what it holds stays under the memory bound', () => {
    let opened = 0;
    const spill = new TextSpill({ openFile: () => ++opened });
    for (const { key, text } of appends.slice(0, 100)) spill.append(key, text, ',');
    expect(opened).toBe(0);
    expect(copied(spill, 'a')).toBe(appends.slice(0, 100).filter((append) => append.key === 'a').map((append) => append.text).join(','));
    spill.close();
  });
});
