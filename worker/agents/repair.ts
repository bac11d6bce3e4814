/** How much of a rejected answer is quoted back: enough to fix it, not a second copy of a big one. */
const quotedChars = 4000;

/**
 * The follow-up user message when an agent's output failed validation: the errors, the
 * start of what it sent, and a request for the whole corrected JSON (a partial patch
 * would have to be merged, and the merge would need validating again).
 *
 * @example repairPrompt(['tasks: must have at least 1 item'], raw)
 */
export function repairPrompt(errors: string[], previousOutput: string): string {
  const shown = previousOutput.length > quotedChars ? previousOutput.slice(0, quotedChars) : previousOutput;
  const cut =
    shown.length < previousOutput.length
      ? `\n(Only the first ${quotedChars} of ${previousOutput.length} characters are quoted.)`
      : '';
  const listed = errors.length > 0 ? errors.map((error) => `- ${error}`).join('\n') : '- The reply was not valid JSON.';
  return [
    'Your previous answer could not be used: it does not match the required JSON schema.',
    '',
    'Problems found:',
    listed,
    '',
    'Your previous answer began:',
    '<<<',
    shown,
    '>>>' + cut,
    '',
    'Reply again with the whole corrected answer: one JSON object that matches the schema, every required field present, complete file contents where files are asked for.',
    'Reply with JSON only — no prose, no Markdown fences, no comments.',
  ].join('\n');
}
