/**
 * compare's `-L NAME VALUES` (hyperfine's --parameter-list): each command is run for each value,
 * `{NAME}` in it replaced by the value. Given more than once, every combination, in hyperfine's
 * order: the commands vary fastest, then the first parameter's values, then the second's.
 */

/** One `-L NAME VALUES`: its name and its values, in order. */
export interface ParameterList {
  readonly name: string;
  readonly values: readonly string[];
}

/** One alternative a parameter scan makes: its command, its name, and the values it was made with. */
export interface ParameterizedCommand {
  readonly command: string;
  readonly name: string;
  readonly parameters: Readonly<Record<string, string>>;
}

/** A parameter's name, as -L and -P take it and as `{NAME}` is found in a command. */
const NAME_SOURCE = '[A-Za-z_][\\w-]*';
const NAME = new RegExp(`^${NAME_SOURCE}$`);
const MENTION = new RegExp(`\\{(${NAME_SOURCE})\\}`, 'g');

/** Whether `text` has `{NAME}` in it, where the parameter's values go. */
export function mentions(text: string, name: string): boolean {
  return text.includes(`{${name}}`);
}

/**
 * Values as a scan's names and summaries show them.
 * @example describeParameters({ n: '512', mode: 'row' }) // 'n = 512, mode = row'
 */
export function describeParameters(parameters: Readonly<Record<string, string>>): string {
  return Object.entries(parameters).map(([name, value]) => `${name} = ${value}`).join(', ');
}

/**
 * The words commander collected for every `-L` (NAME VALUES pairs) → the parameter lists, or what
 * is wrong with them. VALUES are split at commas; `\,` is a comma in a value, `\\` a backslash.
 * @example readParameterLists(['size', '512,1024']) // [{ name: 'size', values: ['512', '1024'] }]
 * @example readParameterLists(['size']) // { problem: '-L takes a name and its values: -L size 512,1024 (then -- and the commands)' }
 */
export function readParameterLists(words: readonly string[]): ParameterList[] | { readonly problem: string } {
  if (words.length % 2 !== 0) return { problem: '-L takes a name and its values: -L size 512,1024 (then -- and the commands)' };
  const lists: ParameterList[] = [];
  for (let index = 0; index < words.length; index += 2) {
    const name = words[index] as string;
    const text = words[index + 1] as string;
    if (!NAME.test(name)) return { problem: `-L ${name}: a parameter's name is letters, digits, '_' and '-', starting with a letter or '_' (e.g. -L size 512,1024)` };
    if (lists.some((list) => list.name === name)) return { problem: `-L ${name} was given twice (give each parameter once, with all its values: -L ${name} a,b,c)` };
    const values = splitValues(text);
    if (values.includes('')) return { problem: `-L ${name} ${text}: an empty value (drop the extra comma)` };
    lists.push({ name, values });
  }
  return lists;
}

/** `a,b\,c` → ['a', 'b,c']. */
function splitValues(text: string): string[] {
  const values: string[] = [];
  let value = '';
  for (let index = 0; index < text.length; index++) {
    const char = text[index] as string;
    if (char === '\\' && index + 1 < text.length) {
      value += text[++index];
    } else if (char === ',') {
      values.push(value);
      value = '';
    } else {
      value += char;
    }
  }
  values.push(value);
  return values;
}

/**
 * `{NAME}` replaced by its value, left to right; a value is not searched again (a value holding
 * `{other}` stays as it is, as in hyperfine).
 * @example substituteParameters('./rowcol {mode} {size} 20', { mode: 'row', size: '512' }) // './rowcol row 512 20'
 */
export function substituteParameters(template: string, parameters: Readonly<Record<string, string>>): string {
  return template.replace(MENTION, (whole, name: string) => (Object.hasOwn(parameters, name) ? (parameters[name] as string) : whole));
}

/**
 * Every command for every combination of the lists' values, with its name: the name given for it
 * (`names`: one for all, one per command, or one per alternative, each with `{NAME}` replaced),
 * else the command itself, and where the name holds no `{NAME}` of a parameter, ` (NAME = value)`
 * after it, so that every alternative's name differs. A parameter no command uses is a mistake.
 * @example expandParameterLists(['./rowcol row {n}', './rowcol col {n}'], null, [{ name: 'n', values: ['512', '1024'] }]).map((each) => each.name)
 *   // ['./rowcol row 512', './rowcol col 512', './rowcol row 1024', './rowcol col 1024']
 * @example expandParameterLists(['./rowcol row {n}', './rowcol col {n}'], ['row', 'col'], [{ name: 'n', values: ['512', '1024'] }]).map((each) => each.name)
 *   // ['row (n = 512)', 'col (n = 512)', 'row (n = 1024)', 'col (n = 1024)']
 */
export function expandParameterLists(commands: readonly string[], names: readonly string[] | null, lists: readonly ParameterList[]): ParameterizedCommand[] | { readonly problem: string } {
  const unused = lists.find((list) => !commands.some((command) => mentions(command, list.name)));
  if (unused !== undefined) {
    const token = `{${unused.name}}`;
    return { problem: `parameter ${unused.name}: no command has ${token} in it (write ${token} where its values go, e.g. -- "./prog ${token}")` };
  }
  // the first list's values vary fastest (each later list repeats the combinations so far per value)
  const combinations = lists.reduce<Record<string, string>[]>(
    (sofar, list) => list.values.flatMap((value) => sofar.map((parameters) => ({ ...parameters, [list.name]: value }))),
    [{}],
  );
  const total = commands.length * combinations.length;
  if (names !== null && names.length !== 1 && names.length !== commands.length && names.length !== total) {
    const counts = `${names.length} names for ${commands.length} commands × ${combinations.length} values (${total} alternatives)`;
    return { problem: `--names gave ${counts}: give one name for all, one per command, or one per alternative, with {NAME} where a value goes` };
  }
  const expanded: ParameterizedCommand[] = [];
  for (const parameters of combinations) {
    for (const [index, command] of commands.entries()) {
      const given = names === null ? null : names.length === total ? names[expanded.length] : names[names.length === 1 ? 0 : index];
      const template = given ?? command;
      const missing = Object.fromEntries(lists.filter((list) => !mentions(template, list.name)).map((list) => [list.name, parameters[list.name] as string]));
      const name = `${substituteParameters(template, parameters)}${Object.keys(missing).length === 0 ? '' : ` (${describeParameters(missing)})`}`;
      expanded.push({ command: substituteParameters(command, parameters), name, parameters });
    }
  }
  return expanded;
}

/**
 * compare's `-P NAME MIN MAX` with `-D STEP` (hyperfine's --parameter-scan and
 * --parameter-step-size): MIN, MIN + STEP, … up to MAX, as one parameter list. Whole numbers step
 * by 1 unless told; a decimal MIN or MAX needs a STEP. Values are written with STEP's decimals.
 * @example readParameterScan(['n', '256', '1024'], '256') // { name: 'n', values: ['256', '512', '768', '1024'] }
 * @example readParameterScan(['x', '0', '1'], '0.25') // { name: 'x', values: ['0', '0.25', '0.5', '0.75', '1'] }
 */
export function readParameterScan(words: readonly string[], stepText: string | undefined): ParameterList | { readonly problem: string } {
  const usage = '-P takes a name, its least and its greatest value: -P n 256 1024 (-D 256 for the step; then -- and the commands)';
  if (words.length !== 3) return { problem: usage };
  const [name = '', minText = '', maxText = ''] = words;
  if (!NAME.test(name)) return { problem: `-P ${name}: a parameter's name is letters, digits, '_' and '-', starting with a letter or '_' (e.g. -P n 256 1024)` };
  const isNumber = (text: string): boolean => /^-?(\d+\.?\d*|\.\d+)$/.test(text);
  if (!isNumber(minText) || !isNumber(maxText)) return { problem: usage };
  const whole = [minText, maxText].every((text) => /^-?\d+$/.test(text));
  if (stepText === undefined && !whole) return { problem: `-P ${name} ${minText} ${maxText}: give -D STEP for values that are not whole numbers (e.g. -D 0.5)` };
  const step = stepText === undefined ? 1 : Number(stepText);
  if (stepText !== undefined && (!isNumber(stepText) || !(step > 0))) return { problem: `-D ${stepText}: the step is a number above 0 (e.g. -D 256)` };
  const min = Number(minText);
  const max = Number(maxText);
  if (max < min) return { problem: `-P ${name} ${minText} ${maxText}: the least value comes first (-P ${name} ${maxText} ${minText})` };
  const count = Math.floor((max - min) / step + 1e-9) + 1;
  if (count > 10_000) return { problem: `-P ${name} ${minText} ${maxText} makes ${count} values (a larger -D, or fewer values with -L)` };
  const decimals = Math.max(...[minText, stepText ?? '1'].map((text) => (text.includes('.') ? text.length - text.indexOf('.') - 1 : 0)));
  const values = Array.from({ length: count }, (_, index) => String(Number((min + index * step).toFixed(decimals))));
  return { name, values };
}
