import { runInThisContext } from 'node:vm';
import { prepareSource } from '../repl/typescript.ts';
import { errorContent, valueBundle } from './display.ts';

type ExpressionResult = { readonly status: 'ok'; readonly data: Record<string, unknown>; readonly metadata: Record<string, never> } | { readonly status: 'error'; readonly ename: string; readonly evalue: string; readonly traceback: string[] };

/**
 * execute_request's user_expressions, as ipykernel answers them in execute_reply: each expression
 * evaluated in the cells' scope (the kernel's global one) after the cell, its value as a MIME
 * bundle, or the error it threw, and never a cell of its own (no report, no execution count).
 * TypeScript is stripped only where the expression does not parse as JavaScript (prepareSource).
 */
export async function evaluateUserExpressions(expressions: unknown): Promise<Record<string, ExpressionResult>> {
  const results: Record<string, ExpressionResult> = {};
  if (typeof expressions !== 'object' || expressions === null) return results;
  for (const [name, expression] of Object.entries(expressions)) {
    results[name] = await evaluate(String(expression));
  }
  return results;
}

/** The error as ipykernel gives it, the traceback one line: node's stack of a vm script starts with the source line and a caret. */
function failed(error: unknown): ExpressionResult {
  const { ename, evalue } = errorContent(error);
  return { status: 'error', ename, evalue, traceback: [`${ename}: ${evalue}`] };
}

async function evaluate(expression: string): Promise<ExpressionResult> {
  const source = `(${expression}\n)`;
  // JavaScript as it is; else TypeScript with its types stripped; else JavaScript's own error
  const prepared = await prepareSource(source, 'auto');
  try {
    return { status: 'ok', data: valueBundle(runInThisContext(prepared.kind === 'javascript' ? prepared.code : source, { filename: 'user_expressions' })), metadata: {} };
  } catch (error: unknown) {
    return failed(error);
  }
}
