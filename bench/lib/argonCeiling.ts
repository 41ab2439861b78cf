/**
 * The login benchmark's ceiling, in a process of its own (as the server under test is): bare argon2id
 * verifications with the portal's own parameters (passwords.ts), `seconds` at each concurrency given.
 * Prints one JSON line: { "<concurrency>": verifies per second, … }.
 *
 *   node --import tsx bench/lib/argonCeiling.ts 3 2,4,8
 */
import { hashPassword, verifyPassword } from '../../src/domain/accounts/passwords.ts';

const [seconds = '3', concurrencies = '2,8'] = process.argv.slice(2);
const password = 'violet tractor umbrella 42';
const passwordHash = await hashPassword(password);

async function verifiesPerSecond(concurrency: number, ms: number): Promise<number> {
  let done = 0;
  const started = performance.now();
  const until = started + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        if (!(await verifyPassword(passwordHash, password))) throw new Error('verify failed');
        done += 1;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

await verifiesPerSecond(2, 500); // warm-up
const rates: Record<string, number> = {};
for (const c of concurrencies.split(',').map(Number))
  rates[c] = await verifiesPerSecond(c, Number(seconds) * 1000);
console.log(JSON.stringify(rates));
