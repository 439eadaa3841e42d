// The AI gateway: the shared Ollama pool and bring-your-own-key routing for every app.
import type { ServiceDefinition } from '../platform/http/service.ts';

export const aiService: ServiceDefinition = {
  name: 'ai',
  prefix: '/ai',
  title: 'CALOS AI gateway',
  description: 'Ollama-native (/api/*) and OpenAI-compatible (/v1/*) access to the shared model pool.',
  create: () => ({ routes: () => undefined }),
};
