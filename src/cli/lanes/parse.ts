/**
 * `perfcell parse`'s lane (see bin.ts and lane-loader.ts): the command line with the parse command
 * only. Run in a worker thread with PARSE_WORKER_FLAG, it is instead the thread that reads a large
 * file's segments (parse-parallel.ts), so the second thread loads the code the first one runs.
 */
import { main } from '../main.ts';
import { isLargeFileParse, readLargeFilesOnTwoThreads, registerParse } from '../commands/parse.ts';
import { startSegmentWorkerEarly } from '../parse-parallel.ts';
import { isParseWorker, runParseWorker } from '../parse-worker.ts';

if (isParseWorker()) {
  runParseWorker();
} else {
  const lane = new URL(import.meta.url);
  readLargeFilesOnTwoThreads(lane);
  // the second thread starts while the command line is read and the file opened
  if (isLargeFileParse(process.argv)) startSegmentWorkerEarly(lane);
  void main(process.argv, async (name) => (name === 'parse' ? registerParse : undefined));
}
