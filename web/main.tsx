import { render } from 'solid-js/web';
import { App } from './app.tsx';
import './styles/app.css';

const root = document.getElementById('app');
if (root) render(() => <App />, root);
