import { render } from 'solid-js/web';
import { App } from './app.tsx';
import { lendSandboxToEngine } from './checks/live-checks.ts';
import './styles/app.css';

const root = document.getElementById('app');
// The engine runs each project's tests in this page's sandboxed frame.
lendSandboxToEngine();
if (root) render(() => <App />, root);
