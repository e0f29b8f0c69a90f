import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { afterReport } from '../../src/session/after-report.ts';

const builtModule = fileURLToPath(new URL('../../dist/src/session/after-report.js', import.meta.url));

describe('afterReport: clean-up put off until the report is out', () => {
  it('runs the work once, on the next turn of the event loop, not in this one', async () => {
    const order: string[] = [];
    afterReport(() => order.push('work'));
    await Promise.resolve();
    order.push('this turn, microtasks included');
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['this turn, microtasks included', 'work']);
  });

  it('a process that exits in the same turn (process.exit) still does the work, once', () => {
    // the built module (npm test builds first): a child Node cannot load the TypeScript source
    const script = `import { afterReport } from ${JSON.stringify(builtModule)};
afterReport(() => process.stdout.write('cgroup removed\\n'));
process.stdout.write('report\\n');
process.exit(0);`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('report\ncgroup removed\n');
  });
});
