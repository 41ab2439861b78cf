/** MAIL_FROM split into its display name and address ("Gatehouse <no-reply@x>" or a bare address). */
export function parseMailFrom(mailFrom: string): { name: string; address: string } {
  const m = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(mailFrom);
  return m ? { name: m[1]!.trim(), address: m[2]!.trim() } : { name: '', address: mailFrom.trim() };
}
