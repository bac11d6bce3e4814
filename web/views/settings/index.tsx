import { For, createSignal } from 'solid-js';
import type { Theme } from '../../../worker/api.ts';
import { Problem } from '../../components/problem.tsx';
import { ViewFrame } from '../../components/view-frame.tsx';
import { saveTheme, theme } from '../../theme.ts';
import { PackagesSection } from './packages-section.tsx';
import { PricesSection } from './prices-section.tsx';
import { ProvidersSection } from './providers-section.tsx';
import { SyncSection } from './sync-section.tsx';

const themes: { value: Theme; label: string }[] = [
  { value: 'system', label: 'Follow the system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

export default function SettingsView() {
  const [problem, setProblem] = createSignal<string>();

  async function choose(next: Theme) {
    setProblem(await saveTheme(next).catch((error: unknown) => String(error)));
  }

  return (
    <ViewFrame
      title="Settings"
      intro="How Orchestra looks and behaves on this device, the model providers it calls and what their models cost, and sync with your other devices."
    >
      <fieldset class="choices">
        <legend>Theme</legend>
        <For each={themes}>
          {(option) => (
            <label>
              <input
                type="radio"
                name="theme"
                value={option.value}
                checked={theme() === option.value}
                onChange={() => void choose(option.value)}
              />
              {option.label}
            </label>
          )}
        </For>
      </fieldset>
      <Problem message={problem()} />
      <ProvidersSection />
      <PricesSection />
      <SyncSection />
      <PackagesSection />
    </ViewFrame>
  );
}
