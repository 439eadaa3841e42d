// Bring-your-own AI keys (OpenAI, Anthropic, DeepSeek) and the models each app uses.

import { useState } from 'react';
import type { Answer } from '../api/answers.ts';
import type { paths } from '../api/generated/identity.ts';
import {
  type AiPreferences,
  loadModelMenu,
  type ModelMenu,
  modelChoices,
  PROVIDERS,
  providerName,
  providerOfModel,
  sameModel,
} from '../shared/ai-models.ts';
import {
  Empty,
  ErrorMessage,
  Form,
  formatDate,
  Loading,
  Notice,
  Section,
  SelectField,
  SubmitRow,
  TextField,
} from '../shared/components.tsx';
import { ConfirmStep } from '../shared/confirm-step.tsx';
import { useFields } from '../shared/form-fields.ts';
import { useAction, useLoad } from '../shared/hooks.ts';

import type { AccountViewProps } from './props.ts';

type ApiKeys = Answer<paths, '/api/keys', 'get'>;

export function Keys({ config, session, api }: AccountViewProps) {
  const keys = useLoad((signal) => api<ApiKeys>('/api/keys', { signal }), [api]);
  const menu = useLoad(
    (signal) => loadModelMenu((url, options) => session.fetch(url, options), config, signal),
    [session, config],
  );
  const [form, setForm, set] = useFields({ provider: 'openai', api_key: '', label: '' });
  const add = useAction();
  const remove = useAction();
  const keysChanged = () => {
    keys.reload();
    // Which providers' models the apps can offer follows the keys.
    menu.reload();
  };
  const submit = () =>
    add.run(async () => {
      await api('/api/keys/add', {
        body: {
          provider: form.provider,
          api_key: form.api_key.trim(),
          ...(form.label ? { label: form.label } : {}),
        },
      });
      setForm((f) => ({ ...f, api_key: '', label: '' }));
      keysChanged();
    });
  const del = (key: ApiKeys['items'][number]) =>
    remove.run(async () => {
      await api(`/api/keys/${key.key_id}`, { method: 'DELETE' });
      keysChanged();
    });
  return (
    <>
      <h1>Your AI keys and models</h1>
      <p className="muted">
        Bring your own OpenAI, Anthropic or DeepSeek key: every app then uses it for that provider's models.
        Keys are encrypted and never shown again, only their last four characters.
      </p>
      <ModelPreferences config={config} session={session} menu={menu} />
      <Section title="Add a key">
        <Form onSubmit={submit} error={add.error} label="Add a key">
          <SelectField
            label="Provider"
            name="provider"
            options={PROVIDERS}
            value={form.provider}
            onChange={set('provider')}
          />
          <TextField
            label="API key"
            name="api_key"
            type="password"
            autoComplete="off"
            required
            value={form.api_key}
            onChange={set('api_key')}
          />
          <TextField label="Label (optional)" name="label" value={form.label} onChange={set('label')} />
          <SubmitRow busy={add.busy}>Add key</SubmitRow>
        </Form>
      </Section>
      <Section title="Keys">
        {keys.error && <ErrorMessage>{keys.error}</ErrorMessage>}
        {!keys.data ? (
          !keys.error && <Loading />
        ) : keys.data.items.length === 0 ? (
          <Empty>No keys yet: the apps use the free models.</Empty>
        ) : (
          <ul className="list" aria-label="Keys">
            {keys.data.items.map((key) => (
              <li className="list-row" key={key.key_id}>
                <div>
                  <strong>{providerName(key.provider)}</strong> <code>{key.masked}</code>{' '}
                  {key.label && <span>· {key.label}</span>}{' '}
                  <span className="tag">{key.is_active ? 'In use' : 'Replaced'}</span>
                  <br />
                  <span className="muted">Added {formatDate(key.created_at)}</span>
                </div>
                <ConfirmStep
                  small
                  trigger="Delete"
                  triggerLabel={`Delete ${key.provider} key ${key.masked}`}
                  question={
                    key.is_active
                      ? `Delete your ${providerName(key.provider)} key ${key.masked}? The apps stop using it at once, and ${providerName(key.provider)}'s models are answered by your free fallback model.`
                      : `Delete your old ${providerName(key.provider)} key ${key.masked}? It is no longer in use.`
                  }
                  confirm="Delete key"
                  cancel="Keep it"
                  busy={remove.busy}
                  error={remove.error}
                  onConfirm={() => del(key)}
                />
              </li>
            ))}
          </ul>
        )}
      </Section>
    </>
  );
}

/** A model name as the gateway takes it (escaped for the browser's v-mode patterns). */
const MODEL_PATTERN = String.raw`[A-Za-z0-9][A-Za-z0-9._:\/\-]*`;
/** Not a model name: those start with a letter or digit. */
const OTHER_MODEL = ':other';

/** The model the apps ask by default, and the free one that answers when it cannot. */
function ModelPreferences({
  config,
  session,
  menu,
}: Pick<AccountViewProps, 'config' | 'session'> & {
  menu: ReturnType<typeof useLoad<ModelMenu>>;
}) {
  const save = useAction();
  const [saved, setSaved] = useState<string>();
  const [choice, setChoice] = useState<string>();
  const [typed, setTyped] = useState('');
  const [fallback, setFallback] = useState<string>();
  if (menu.error && !menu.data) {
    return (
      <Section title="Which model the apps use">
        <ErrorMessage>{menu.error}</ErrorMessage>
      </Section>
    );
  }
  if (!menu.data) {
    return (
      <Section title="Which model the apps use">
        <Loading />
      </Section>
    );
  }
  const { preferences, pool, keyed } = menu.data;
  const choices = modelChoices(menu.data);
  const current = preferences.model_preference ?? '';
  const chosen = choice ?? choices.find((c) => sameModel(c.model, current))?.model ?? current;
  const preferred = chosen === OTHER_MODEL ? typed.trim() : chosen;
  const fallbackChosen = fallback ?? preferences.fallback_model;
  const fallbackInPool = pool.find((m) => sameModel(m, fallbackChosen));
  const fallbackOptions = fallbackInPool ? pool : [fallbackChosen, ...pool];
  const provider = preferred ? providerOfModel(preferred) : undefined;
  const needsKey = provider && !keyed.includes(provider);
  const submit = () =>
    save.run(async () => {
      setSaved(undefined);
      const answer = await session.fetch<AiPreferences>(`${config.ai}/api/preferences`, {
        method: 'PUT',
        body: { model_preference: preferred || null, fallback_model: fallbackChosen },
      });
      setSaved(
        answer.model_preference
          ? `Saved. The apps now ask ${answer.model_preference}, and ${answer.fallback_model} when it cannot answer.`
          : `Saved. The apps now ask the free model ${answer.fallback_model}.`,
      );
      setChoice(undefined);
      setFallback(undefined);
      menu.setData({ ...menu.data, preferences: answer } as ModelMenu);
    });
  return (
    <Section title="Which model the apps use">
      <p>
        Hollowtown and HowToCookAtHome ask your preferred model unless you pick another when you generate. A
        model of OpenAI, Anthropic or DeepSeek uses your key for that provider; without one, your free
        fallback model answers.
      </p>
      {saved && <Notice>{saved}</Notice>}
      <Form onSubmit={submit} error={save.error} label="Which model the apps use">
        <SelectField
          label="Preferred model"
          options={[
            ['', 'No preference: the free model'],
            ...choices.map((c) => [c.model, c.label] as [string, string]),
            [OTHER_MODEL, 'Another model…'],
          ]}
          value={chosen}
          onChange={(e) => setChoice(e.target.value)}
        />
        {chosen === OTHER_MODEL && (
          <TextField
            label="Model name"
            hint="As the provider or Ollama names it, such as gpt-4.1 or qwen2.5:7b."
            required
            maxLength={200}
            pattern={MODEL_PATTERN}
            autoComplete="off"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
          />
        )}
        {needsKey && (
          <p className="muted" role="note">
            You have no {providerName(provider)} key yet: add one below, or {fallbackChosen} answers instead.
          </p>
        )}
        <SelectField
          label="Free fallback model"
          options={fallbackOptions.map((m) => [m, m] as [string, string])}
          value={fallbackInPool ?? fallbackChosen}
          onChange={(e) => setFallback(e.target.value)}
        />
        <SubmitRow busy={save.busy}>Save models</SubmitRow>
      </Form>
    </Section>
  );
}
