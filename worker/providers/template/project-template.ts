/** One file of a generated project, in the artifact format agents produce. */
export interface TemplateFile {
  path: string;
  language: string;
  content: string;
}

/** A runnable starter project the Template provider can build with no key and no network. */
export interface ProjectTemplate {
  id: 'web-app' | 'api-service' | 'data-pipeline';
  title: string;
  /** Words in a description that point to this template. */
  keywords: readonly string[];
  files(name: string): TemplateFile[];
}
