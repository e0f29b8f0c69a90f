import { describe, expect, it } from 'vitest';
import { fieldsRequest } from '../../src/session/request-fields.ts';

// The framing native/request-fields.h reads (read_fields): the length counts bytes, not characters.
describe('fieldsRequest', () => {
  it('frames NUL-ended fields after "PREFIXLEN\\n"', () => {
    expect(fieldsRequest('cmd ', ['--', 'true']).toString()).toBe('cmd 8\n--\0true\0');
    expect(fieldsRequest('', ['2', 'perf', '-I', '{tick}']).toString()).toBe('17\n2\0perf\0-I\0{tick}\0');
  });

  it('gives the payload\'s length in UTF-8 bytes', () => {
    const request = fieldsRequest('', ['ü']);
    expect(request.subarray(0, request.indexOf('\n')).toString()).toBe('3');
    expect(request.length).toBe('3\n'.length + 3);
  });
});
