'use strict';
// Preloaded into Electron's installer (`node --require`): Node's fetch rejects with a bare
// "fetch failed" and keeps the reason (ENOTFOUND, ECONNREFUSED, a TLS error) in `cause`,
// which the installer does not print. This puts the address and the reason in the message.
const fetchAsShipped = globalThis.fetch;

globalThis.fetch = async function fetchSayingWhy(input, init) {
  try {
    return await fetchAsShipped(input, init);
  } catch (error) {
    const cause = error.cause?.message ?? error.cause?.code ?? error.message;
    const address = typeof input === 'object' && 'url' in input ? input.url : String(input);
    throw new Error(`could not fetch ${address}: ${cause}`, { cause: error });
  }
};
