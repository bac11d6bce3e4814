import type { ProjectTemplate } from '../project-template.ts';

const logic = `/** The task list's state changes, kept pure so they can be tested without a browser. */
export function addTask(tasks, title) {
  const trimmed = title.trim();
  if (trimmed === '') return tasks;
  return [...tasks, { id: Date.now().toString(36) + tasks.length, title: trimmed, done: false }];
}

export function toggleTask(tasks, id) {
  return tasks.map((task) => (task.id === id ? { ...task, done: !task.done } : task));
}

export function removeTask(tasks, id) {
  return tasks.filter((task) => task.id !== id);
}

export function remaining(tasks) {
  return tasks.filter((task) => !task.done).length;
}
`;

const app = `import { addTask, remaining, removeTask, toggleTask } from './tasks.js';

const key = 'tasks';
let tasks = JSON.parse(localStorage.getItem(key) ?? '[]');
const list = document.querySelector('#tasks');
const form = document.querySelector('#new-task');
const count = document.querySelector('#count');

function render() {
  localStorage.setItem(key, JSON.stringify(tasks));
  list.replaceChildren(
    ...tasks.map((task) => {
      const item = document.createElement('li');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.checked = task.done;
      box.addEventListener('change', () => update(toggleTask(tasks, task.id)));
      const label = document.createElement('span');
      label.textContent = task.title;
      const remove = document.createElement('button');
      remove.textContent = 'Remove';
      remove.addEventListener('click', () => update(removeTask(tasks, task.id)));
      item.append(box, label, remove);
      return item;
    }),
  );
  count.textContent = \`\${remaining(tasks)} left\`;
}

function update(next) {
  tasks = next;
  render();
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const input = form.elements.namedItem('title');
  update(addTask(tasks, input.value));
  input.value = '';
});

render();
`;

const tests = `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addTask, remaining, removeTask, toggleTask } from '../src/tasks.js';

test('adding a task trims it and ignores blanks', () => {
  const tasks = addTask(addTask([], '  Buy milk '), '   ');
  assert.equal(tasks.length, 1);
  assert.equal(tasks[0].title, 'Buy milk');
});

test('toggling and removing change only the named task', () => {
  let tasks = addTask(addTask([], 'a'), 'b');
  tasks = toggleTask(tasks, tasks[0].id);
  assert.equal(remaining(tasks), 1);
  tasks = removeTask(tasks, tasks[1].id);
  assert.deepEqual(tasks.map((task) => task.title), ['a']);
});
`;

/** A static task-list web app (HTML, CSS, ES modules) with tests for its logic. */
export const webApp: ProjectTemplate = {
  id: 'web-app',
  title: 'Web app',
  language: 'javascript',
  keywords: ['web', 'app', 'website', 'page', 'frontend', 'ui', 'todo', 'html'],
  stack: ['Node.js', 'JavaScript', 'HTML', 'CSS'],
  languages: ['javascript', 'html', 'css'],
  files: (name) => [
    {
      path: 'package.json',
      language: 'json',
      content: `${JSON.stringify({ name, version: '0.1.0', private: true, type: 'module', scripts: { test: 'node --test' } }, null, 2)}\n`,
    },
    {
      path: 'index.html',
      language: 'html',
      content: `<!doctype html>\n<html lang="en">\n  <head>\n    <meta charset="utf-8" />\n    <meta name="viewport" content="width=device-width, initial-scale=1" />\n    <title>${name}</title>\n    <link rel="stylesheet" href="styles.css" />\n    <script type="module" src="src/app.js"></script>\n  </head>\n  <body>\n    <main>\n      <h1>${name}</h1>\n      <form id="new-task">\n        <input name="title" placeholder="What needs doing?" aria-label="New task" required />\n        <button>Add</button>\n      </form>\n      <ul id="tasks"></ul>\n      <p id="count"></p>\n    </main>\n  </body>\n</html>\n`,
    },
    {
      path: 'styles.css',
      language: 'css',
      content: `body {\n  font-family: system-ui, sans-serif;\n  margin: 0;\n  background: #f6f7f9;\n}\nmain {\n  max-width: 32rem;\n  margin: 3rem auto;\n  padding: 1.5rem;\n  background: #fff;\n  border-radius: 0.75rem;\n}\nform {\n  display: flex;\n  gap: 0.5rem;\n}\ninput[name='title'] {\n  flex: 1;\n  padding: 0.5rem;\n}\nli {\n  display: flex;\n  gap: 0.5rem;\n  align-items: center;\n  padding: 0.25rem 0;\n}\nli span {\n  flex: 1;\n}\n`,
    },
    { path: 'src/tasks.js', language: 'javascript', content: logic },
    { path: 'src/app.js', language: 'javascript', content: app },
    { path: 'test/tasks.test.js', language: 'javascript', content: tests },
    {
      path: 'README.md',
      language: 'markdown',
      content: `# ${name}\n\nA task list that keeps its tasks in the browser. Open index.html through any static server.\n\n- \`npm test\` — tests the task logic (Node 20+)\n\nBuilt by Orchestra's Template provider (no AI).\n`,
    },
  ],
};
