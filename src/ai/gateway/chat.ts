// A chat call through the gateway, whatever the front format: route it, run it under the
// user's limits and credits, and hand back the upstream's events as they arrive.

import { ToolCallCollector } from '../formats/tool-calls.ts';
import { promptTokenCeiling } from '../metering/holds.ts';
import { chatProviders } from '../providers/registry.ts';
import type { ChatCall, ChatEvent } from '../providers/types.ts';
import type { GatewayDeps } from './deps.ts';
import { type Run, startRun } from './execute.ts';
import { type Caller, type Route, routeCall } from './route.ts';

export interface ChatRequest {
  caller: Caller;
  endpoint: string;
  requestId: string;
  signal: AbortSignal;
  /** The model asked for (may be empty: the user's preference or the default answers). */
  model: string | undefined;
  call: Omit<ChatCall, 'model'>;
  /** false: refuse rather than answer a provider model from the fallback model. */
  allowFallback?: boolean;
  /** The route, when the caller has already chosen it (routeCall). */
  route?: Route;
}

export async function startChat(deps: GatewayDeps, request: ChatRequest): Promise<Run<ChatEvent>> {
  const route =
    request.route ??
    (await routeCall(
      deps.identity,
      deps.config,
      request.caller,
      request.model,
      (m) => deps.pool.hasModel(m),
      request.allowFallback,
    ));
  const provider = chatProviders[route.provider];
  const call: ChatCall = { ...request.call, model: route.model };
  const promptText = promptTextOf(call);
  return startRun<ChatEvent>(deps, {
    caller: request.caller,
    endpoint: request.endpoint,
    route,
    requestId: request.requestId,
    signal: request.signal,
    promptText,
    promptTokenCeiling: chatPromptTokenCeiling(call, promptText),
    maxCompletionTokens: call.maxTokens,
    // A metered call goes out with the output limit its hold covers.
    start: (target, signal, bounds) =>
      provider.chat(target, { ...call, maxTokens: bounds.maxOutputTokens ?? call.maxTokens }, signal),
    usageOf: (event) => (event.type === 'done' ? event.usage : undefined),
    textOf: (event) =>
      event.type === 'delta' ? event.content : event.type === 'tool_call' ? event.arguments : '',
  });
}

/** The most prompt tokens a chat call can count as: its messages, tool calls, tools, images and a JSON schema. */
export function chatPromptTokenCeiling(
  call: Pick<ChatCall, 'messages' | 'format' | 'tools'>,
  /** promptTextOf(call), when the caller has it already. */
  promptText = promptTextOf(call),
): number {
  return promptTokenCeiling({
    texts: [promptText, ...(typeof call.format === 'object' ? [JSON.stringify(call.format)] : [])],
    messages: call.messages.length,
    images: call.messages.reduce((sum, m) => sum + (m.images?.length ?? 0), 0),
  });
}

/** What the prompt says, tools and tool calls included. */
export function promptTextOf(call: Pick<ChatCall, 'messages' | 'tools'>): string {
  const parts = call.messages.flatMap((m) => [
    m.content,
    ...(m.toolCalls ?? []).map((c) => `${c.name} ${c.arguments}`),
  ]);
  for (const tool of call.tools ?? [])
    parts.push(`${tool.name} ${tool.description ?? ''} ${JSON.stringify(tool.parameters)}`);
  return parts.join('\n');
}

/** Collects a whole answer (non-streamed calls and the typed client), telling `onText` each piece. */
export async function collectChat(run: Run<ChatEvent>, onText?: (delta: string) => void) {
  let text = '';
  let done: Extract<ChatEvent, { type: 'done' }> | undefined;
  const tools = new ToolCallCollector();
  for await (const event of run.items) {
    if (event.type === 'delta') {
      text += event.content;
      if (onText && event.content) onText(event.content);
    } else if (event.type === 'tool_call') tools.add(event);
    else done = event;
  }
  return { text, done, toolCalls: tools.calls() };
}
