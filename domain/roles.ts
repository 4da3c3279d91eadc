/**
 * Plans name owners by role label, typed by hand: "HoS (CS)", "HOS (CS)", "GM – Fieldwork".
 * Matching ignores case, whitespace, the kind of dash and curly-versus-straight apostrophes, and nothing else, so two genuinely
 * different roles are never merged by accident.
 */
export function roleKey(label: string): string {
  return label
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/[\u2018\u2019\u02bc`]/g, "'")
    .replace(/\s+/g, '');
}
