const digest = (text: string) => crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));

/**
 * Whether a presented secret equals the configured one, in constant time: the digests are compared,
 * so neither the content nor the length of the secret shows in the timing.
 */
export async function sameSecret(presented: string | undefined, expected: string): Promise<boolean> {
  if (presented === undefined) return false;
  const [a, b] = await Promise.all([digest(presented), digest(expected)]);
  return crypto.subtle.timingSafeEqual(a, b);
}
