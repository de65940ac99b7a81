/**
 * The engine's reasons are clauses ("corrupt or truncated JPEG image"), also used inside longer messages; shown
 * on their own they start with a capital. Only a lower-case letter is raised: a text that starts with a path
 * ("/tmp/faces: no such folder") or a number stays as it is (CSS ::first-letter took "/t" as the first letter
 * and showed "/Tmp").
 */
export function asSentence(text: string): string {
  const first = text.match(/^\p{Ll}/u);
  return first ? first[0].toLocaleUpperCase() + text.slice(first[0].length) : text;
}
