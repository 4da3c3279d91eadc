/**
 * Text people typed (commentary, reasons, return notes, words echoed from a question) is plain
 * text. Adaptive Card TextBlocks render a Markdown subset, so "[Click here](https://…)" would become
 * a live link with a hidden address and "**" would turn bold. Every view binds user text through
 * this one function; our own Markdown (the bold ref in a list line) is added around it afterwards.
 */
export function plainText(s: string): string {
  return s
    // Brackets make links and images, * and _ emphasis, ` code; parentheses alone do nothing, so
    // role labels such as "HoS (RB)" are left as they are.
    .replace(/[\\`*_[\]~]/g, (c) => `\\${c}`)
    .replace(/^(\s*)([-+#>])(?=\s)/gm, '$1\\$2')
    .replace(/^(\s*\d+)\.(?=\s)/gm, '$1\\.');
}
