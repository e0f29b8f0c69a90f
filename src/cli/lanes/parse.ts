/**
 * `perfcell parse`'s lane (see bin.ts and lane-loader.ts): the command line with the parse command
 * only. Run in a worker thread with PARSE_WORKER_FLAG, it is instead the thread that reads a large
 * file's segments (parse-parallel.ts), so the second thread loads the code the first one runs.
 */
import { main } from '../main.ts';
import { readLargeFilesOnTwoThreads, registerParse } from '../commands/parse.ts';
import { isParseWorker, runParseWorker } from '../parse-worker.ts';

if (isParseWorker()) {
  runParseWorker();
} else {
  readLargeFilesOnTwoThreads(new URL(import.meta.url));
  void main(process.argv, async (name) => (name === 'parse' ? registerParse : undefined));
}
