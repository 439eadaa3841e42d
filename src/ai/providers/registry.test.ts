// Which provider a model name goes to, and Ollama's implied ':latest'.
import { describe, expect, it } from 'vitest';
import { chatProviders, normalizeOllamaModel, providerOfModel } from './registry.ts';

describe('providerOfModel', () => {
  it.each([
    ['gpt-4o', 'openai'],
    ['gpt-4o-mini', 'openai'],
    ['o1-preview', 'openai'],
    ['o3-mini', 'openai'],
    ['o4-mini', 'openai'],
    ['chatgpt-4o-latest', 'openai'],
    ['ft:gpt-4o-mini:acme::abc123', 'openai'],
    ['claude-sonnet-4-5', 'anthropic'],
    ['claude-3-5-haiku-latest', 'anthropic'],
    ['deepseek-chat', 'deepseek'],
    ['deepseek-reasoner', 'deepseek'],
    ['llama3.2', 'ollama'],
    ['mistral:7b', 'ollama'],
    ['qwen2.5-coder:1.5b', 'ollama'],
  ] as const)('%s → %s', (model, provider) => {
    expect(providerOfModel(model)).toBe(provider);
  });

  it('keeps tagged and open-weight look-alikes on Ollama: providers never tag their model names', () => {
    expect(providerOfModel('deepseek-r1:7b')).toBe('ollama');
    expect(providerOfModel('gpt-oss:20b')).toBe('ollama');
    expect(providerOfModel('gpt-oss')).toBe('ollama');
  });

  it('has a provider for every name it returns', () => {
    for (const name of ['ollama', 'openai', 'anthropic', 'deepseek'] as const) {
      expect(chatProviders[name].name).toBe(name);
    }
  });
});

describe('normalizeOllamaModel', () => {
  it('adds :latest to a name without a tag and keeps a tag that is there', () => {
    expect(normalizeOllamaModel('llama3.2')).toBe('llama3.2:latest');
    expect(normalizeOllamaModel('mistral:7b')).toBe('mistral:7b');
    expect(normalizeOllamaModel('hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF')).toBe(
      'hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:latest',
    );
    expect(normalizeOllamaModel('registry.local:5000/team/model')).toBe(
      'registry.local:5000/team/model:latest',
    );
  });
});
