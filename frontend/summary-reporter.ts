import type { Reporter, TestCase } from 'vitest/node';

/** Ends the run with one plain line, `console: N passed, N failed[, N skipped]`, that any CI log reader can count. */
export default class SummaryReporter implements Reporter {
  private counts = { passed: 0, failed: 0, skipped: 0, pending: 0 };

  onTestRunStart() {
    this.counts = { passed: 0, failed: 0, skipped: 0, pending: 0 };
  }

  onTestCaseResult(testCase: TestCase) {
    this.counts[testCase.result().state] += 1;
  }

  onTestRunEnd() {
    const { passed, failed, skipped, pending } = this.counts;
    const notRun = skipped + pending;
    console.log(`console: ${passed} passed, ${failed} failed${notRun ? `, ${notRun} skipped` : ''}`);
  }
}
