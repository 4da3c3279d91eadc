/* eslint-disable no-control-regex -- this module exists to find control characters */
/**
 * Azure Table keys may not contain / \ # ? or control characters, and are limited to 1 KiB.
 * Bot Framework state keys look like "msteams/conversations/a:1xyz/users/29:abc", so they must be
 * encoded. Percent-encoding only the forbidden characters keeps keys readable in Storage Explorer.
 */
export function encodeKey(raw: string): string {
  return raw.replace(/[%/\\#?\u0000-\u001f\u007f-\u009f]/g, (ch) => '%' + ch.charCodeAt(0).toString(16).padStart(2, '0'));
}

export function decodeKey(key: string): string {
  return key.replace(/%([0-9a-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** OData string literal: a single quote is escaped by doubling it. Never build a filter without it. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
