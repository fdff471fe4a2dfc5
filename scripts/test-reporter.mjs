// node's `spec` test reporter, except that a todo test is never shown as a failure.
//
// `spec` prints a failing todo test with a red ✖ and its stack trace, and lists it
// again in its closing "✖ failing tests" block, right above a run that has 0 failed.
// Here a failing todo is listed like a skipped test (a grey ﹣ with its reason), real
// failures are reported exactly as `spec` does, and the tests that did not pass or
// fail (skipped, todo) are listed plainly after the summary.
import { relative } from 'node:path';
import { spec } from 'node:test/reporters';

/** A test:fail event of a todo test: node does not count it as a failure, and neither does this listing. */
const isFailingTodo = (event) => event.type === 'test:fail' && event.data.todo !== undefined && event.data.todo !== false;

export default async function* djustReporter(source) {
  const view = new spec();
  const notRun = [];
  const pump = (async () => {
    for await (const event of source) {
      if (isFailingTodo(event)) {
        const reason = typeof event.data.todo === 'string' && event.data.todo ? event.data.todo : '';
        notRun.push({ kind: 'todo', data: event.data, reason: reason ? `${reason}; still fails` : 'still fails' });
        const { error: _error, ...details } = event.data.details ?? {};
        const { todo: _todo, ...data } = event.data;
        view.write({ type: 'test:pass', data: { ...data, details, skip: `TODO${reason ? `: ${reason}` : ''}` } });
        continue;
      }
      if (event.type === 'test:pass' && event.data.details?.type !== 'suite') {
        if (event.data.skip !== undefined && event.data.skip !== false) notRun.push({ kind: 'skip', data: event.data, reason: event.data.skip });
        else if (event.data.todo !== undefined && event.data.todo !== false) notRun.push({ kind: 'todo', data: event.data, reason: event.data.todo });
      }
      view.write(event);
    }
    view.end();
  })().catch((err) => view.destroy(err));

  for await (const chunk of view) yield chunk;
  await pump;

  if (notRun.length > 0) {
    const lines = notRun.map(({ kind, data, reason }) => {
      const where = data.file ? `${relative(process.cwd(), data.file)}: ` : '';
      const why = typeof reason === 'string' && reason ? ` (${reason})` : '';
      return `  ${kind} ${where}${data.name}${why}`;
    });
    yield `\nSkipped and todo tests (${notRun.length}):\n${lines.join('\n')}\n`;
  }
}
