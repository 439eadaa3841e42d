// Tool calls between the formats: pieces of streamed calls put back together, arguments as
// JSON text (OpenAI) or as an object (Ollama, Anthropic), and call ids where a format has none.
import { randomBytes } from 'node:crypto';
import type { ChatEvent, ChatMessage, ToolCall } from '../providers/types.ts';

type ToolCallPiece = Extract<ChatEvent, { type: 'tool_call' }>;

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A fresh id in OpenAI's shape ('call_' and 24 letters and digits). */
export function toolCallId(prefix = 'call_'): string {
  let id = prefix;
  for (const byte of randomBytes(24)) id += ID_ALPHABET[byte % ID_ALPHABET.length];
  return id;
}

/** The arguments object of a call; JSON text that is not an object (a model's slip) becomes {}. */
export function argumentsObject(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // Below.
  }
  return {};
}

/** Whole calls from the pieces of a stream, in the order of their index. */
export class ToolCallCollector {
  private readonly byIndex = new Map<number, ToolCall>();

  add(piece: ToolCallPiece): void {
    const call = this.byIndex.get(piece.index);
    if (!call) {
      this.byIndex.set(piece.index, {
        id: piece.id || toolCallId(),
        name: piece.name ?? '',
        arguments: piece.arguments,
      });
      return;
    }
    if (piece.name) call.name = piece.name;
    call.arguments += piece.arguments;
  }

  get size(): number {
    return this.byIndex.size;
  }

  calls(): ToolCall[] {
    return [...this.byIndex.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
  }
}

/**
 * Tool results paired with the calls of the assistant message before them, so that each carries
 * both the call id (OpenAI, Anthropic) and the tool's name (Ollama): by id when it has one, else
 * by name (Ollama's clients send only `tool_name`, or nothing), else in order.
 */
export function pairToolResults(messages: ChatMessage[]): ChatMessage[] {
  let pending: ToolCall[] = [];
  return messages.map((message) => {
    if (message.role === 'assistant') pending = [...(message.toolCalls ?? [])];
    if (message.role !== 'tool') return message;
    const match = message.toolCallId
      ? pending.find((c) => c.id === message.toolCallId)
      : (pending.find((c) => c.name === message.toolName) ?? pending[0]);
    if (match) pending = pending.filter((c) => c !== match);
    return {
      ...message,
      ...(match && !message.toolCallId ? { toolCallId: match.id } : {}),
      ...(match && !message.toolName ? { toolName: match.name } : {}),
      ...(!match && !message.toolCallId ? { toolCallId: toolCallId() } : {}),
    };
  });
}
