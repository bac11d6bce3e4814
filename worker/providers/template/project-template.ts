/** One file of a generated project, in the artifact format agents produce. */
export interface TemplateFile {
  path: string;
  language: string;
  content: string;
}

/** The language a template's code is written in, the first thing a description names. */
export type TemplateLanguage = 'javascript' | 'python';

/** A runnable starter project the Template provider can build with no key and no network. */
export interface ProjectTemplate {
  id: 'web-app' | 'api-service' | 'data-pipeline' | 'python-cli';
  title: string;
  language: TemplateLanguage;
  /** Words in a description that point to this kind of project. */
  keywords: readonly string[];
  /** What the plan says it is built with. */
  stack: readonly string[];
  languages: readonly string[];
  files(name: string): TemplateFile[];
}
