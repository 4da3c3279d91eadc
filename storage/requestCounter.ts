/**
 * Counts table requests so benchmarks can report "requests per question" without a proxy.
 * A process-wide counter is enough: benchmarks read it before and after one question.
 */
let count = 0;

export function countRequest(n = 1): void {
  count += n;
}

export function tableRequestCount(): number {
  return count;
}
