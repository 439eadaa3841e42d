// "Model" on the apps' generate forms: the person's default, or another model for this one
// request, with where the default is set. Without an AI gateway to ask, only the default shows.

import { defaultChoiceLabel, loadModelMenu, modelChoices } from './ai-models.ts';
import type { ViewProps } from './app-shell.tsx';
import { SelectField } from './components.tsx';
import { useLoad } from './hooks.ts';

export function ModelPicker({
  props,
  value,
  onChange,
  disabled,
}: {
  props: Pick<ViewProps, 'config' | 'session'>;
  /** '' for the person's default. */
  value: string;
  onChange: (model: string) => void;
  disabled?: boolean;
}) {
  const { config, session } = props;
  const menu = useLoad(
    (signal) => loadModelMenu((url, options) => session.fetch(url, options), config, signal),
    [session, config],
  );
  const options: [string, string][] = [
    ['', menu.data ? defaultChoiceLabel(menu.data.preferences) : 'Default'],
    ...(menu.data ? modelChoices(menu.data).map((c) => [c.model, c.label] as [string, string]) : []),
  ];
  return (
    <SelectField
      label="Model"
      hint={<a href={`${config.account}keys`}>Change your default model</a>}
      options={options}
      value={value}
      disabled={disabled}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}
