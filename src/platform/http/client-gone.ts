// A signal that fires when the client goes away before its answer is complete, so that the work
// behind the answer (an upstream call, a generation) stops with it.
import type { FastifyReply, FastifyRequest } from 'fastify';

export function clientGone(request: FastifyRequest, reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  // The response's close fires on completion too; only an unfinished answer means "gone".
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort(new Error('the client went away'));
  });
  request.raw.once('aborted', () => controller.abort(new Error('the client went away')));
  return controller.signal;
}
