import { randomUUID } from 'node:crypto';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Charges once, however many times the request has to be sent: every try carries the same Idempotency-Key. */
export async function payWithRetry(baseUrl: string, token: string, amount: number): Promise<unknown> {
  const key = randomUUID();
  for (let attempt = 1; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(`${baseUrl}/djust/api/pay/charge/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': key },
        body: JSON.stringify({ amount }),
      });
    } catch (err) {
      if (attempt === 5) throw err; // the network failed: the charge may or may not have run; the same key makes the retry safe
      await pause(200 * 2 ** attempt);
      continue;
    }
    // 409: the first try is still running; 503: a store is down. Ask again with the same key.
    if ((res.status === 409 || res.status === 503) && attempt < 5) {
      await pause(200 * 2 ** attempt);
      continue;
    }
    const body = await res.json();
    if (!res.ok) throw new Error(`${res.status} ${body.error}`);
    return body.result; // res.headers.get('idempotency-replayed') === 'true' when an earlier try had already run it
  }
}
