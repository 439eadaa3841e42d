// How the stand-ins "call tools", the same way for every provider: with tools offered and the
// conversation not ending in a tool result, the model calls every offered tool whose name the
// last user message mentions (the first tool when it mentions none; only one when parallel calls
// are off), with the smallest arguments of each tool's parameter schema. After a tool result it
// answers in text, echoing the result. tool_choice "none" gives text, "required" or a named tool
// a call.
import { field, isObject, stringField } from './body.ts';
import { jsonReply } from './text.ts';

export interface OfferedTool {
  name: string;
  parameters: unknown;
}

export type Choice =
  | { kind: 'auto' }
  | { kind: 'none' }
  | { kind: 'required' }
  | { kind: 'named'; name: string };

export interface PlannedCall {
  name: string;
  arguments: Record<string, unknown>;
}

export function plannedToolCalls(
  tools: readonly OfferedTool[],
  choice: Choice,
  options: { userText: string; endsWithToolResult: boolean; parallel: boolean; echo: string },
): PlannedCall[] {
  if (tools.length === 0 || choice.kind === 'none') return [];
  if (choice.kind === 'auto' && options.endsWithToolResult) return [];
  let chosen: OfferedTool[];
  if (choice.kind === 'named') chosen = tools.filter((t) => t.name === choice.name);
  else {
    const text = options.userText.toLowerCase();
    const mentioned = tools.filter((t) => text.includes(t.name.toLowerCase()));
    chosen = mentioned.length > 0 ? mentioned : [tools[0] as OfferedTool];
  }
  if (!options.parallel) chosen = chosen.slice(0, 1);
  return chosen.map((tool) => ({
    name: tool.name,
    arguments: argumentsFor(tool.parameters, options.echo),
  }));
}

function argumentsFor(schema: unknown, echo: string): Record<string, unknown> {
  const value = JSON.parse(jsonReply(isObject(schema) ? schema : { type: 'object' }, echo)) as unknown;
  return isObject(value) ? value : {};
}

/** OpenAI's and Ollama's `tools`: [{type: 'function', function: {name, parameters}}]. */
export function functionTools(tools: unknown): OfferedTool[] {
  if (!Array.isArray(tools)) return [];
  return tools.flatMap((tool) => {
    const fn = field(tool, 'function');
    const name = stringField(fn, 'name');
    return name ? [{ name, parameters: field(fn, 'parameters') }] : [];
  });
}

/** OpenAI's tool_choice. */
export function openaiChoice(value: unknown): Choice {
  if (value === 'none') return { kind: 'none' };
  if (value === 'required') return { kind: 'required' };
  const name = stringField(field(value, 'function'), 'name');
  return name ? { kind: 'named', name } : { kind: 'auto' };
}
