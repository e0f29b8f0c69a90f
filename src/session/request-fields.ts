/**
 * A request as perfcell's native helpers read it (native/request-fields.h): "PREFIXLEN\n", then LEN
 * bytes of NUL-ended fields (an early gate's "cmd " request, an early launcher's perf argv).
 * @example fieldsRequest('cmd ', ['--', 'true']).toString() // 'cmd 8\n--\0true\0'
 */
export function fieldsRequest(prefix: string, fields: readonly string[]): Buffer {
  const payload = Buffer.from(fields.map((field) => `${field}\0`).join(''), 'utf8');
  return Buffer.concat([Buffer.from(`${prefix}${payload.length}\n`), payload]);
}

/** A request's "env=NAME=VALUE" fields: what the program's environment adds (native/perfcell-serve.c, perfcell-exec.c). */
export function environmentFields(environment: Readonly<Record<string, string>>): string[] {
  return Object.entries(environment).map(([name, value]) => `env=${name}=${value}`);
}
