import type { TableServiceClientOptions } from '@azure/data-tables';

type PipelinePolicy = NonNullable<TableServiceClientOptions['additionalPolicies']>[number]['policy'];

/**
 * Counts table requests and the entities they return, in one place: a pipeline policy on every
 * table client openTables() makes (storage/tables.ts), so no call site has to remember to count
 * (hand counting at 25+ call sites missed some, e.g. teams-ai's turn-state reads).
 * It sits per retry, so a retried request counts as often as it goes over the wire.
 * A process-wide counter is enough: benchmarks and tests read it before and after one question.
 */
let requests = 0;
let entities = 0;
/** Set only while a test or benchmark asks which requests a question made (see recordTableRequests). */
let recording: string[] | undefined;

// With the SDK's minimal-metadata JSON every returned entity carries exactly one "odata.etag";
// counting that marker is much cheaper than parsing a 1,000-entity page a second time.
const ENTITY_MARKER = '"odata.etag"';

function countEntities(body: string | undefined): number {
  if (!body) return 0;
  let n = 0;
  for (let i = body.indexOf(ENTITY_MARKER); i !== -1; i = body.indexOf(ENTITY_MARKER, i + ENTITY_MARKER.length)) n++;
  return n;
}

export const requestCountingPolicy: PipelinePolicy = {
  name: 'requestCounter',
  sendRequest: async (request, next) => {
    requests++;
    recording?.push(`${request.method} ${decodeURIComponent(request.url.replace(/^https?:\/\/[^/]+/, ''))}`);
    const response = await next(request);
    // Only reads return entities (writes are sent with "return-no-content"; a batch answers multipart).
    if (request.method === 'GET' && response.status === 200) entities += countEntities(response.bodyAsText ?? undefined);
    return response;
  },
};

/** Table requests sent by this process so far (every try of every table client from openTables). */
export function tableRequestCount(): number {
  return requests;
}

/** Entities returned by table reads so far (point reads and query pages). */
export function entitiesReadCount(): number {
  return entities;
}

/**
 * Records "METHOD path?query" (decoded) of every table request from now until the returned stop
 * function is called, which returns them: a test can then say which reads a question made, not
 * only how many.
 */
export function recordTableRequests(): () => string[] {
  const mine: string[] = [];
  recording = mine;
  return () => {
    if (recording === mine) recording = undefined;
    return mine;
  };
}
