// fetch that survives the keep-alive race: a pooled connection the server closed while it sat
// idle (e.g. through a 15 s load phase) fails at once with "other side closed" before any
// byte of the request was processed. One retry on a fresh connection is what clients do.
export async function fetchOnce(url: string, init: RequestInit = {}): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    const code = err instanceof TypeError && err.cause instanceof Error && 'code' in err.cause ? err.cause.code : undefined;
    if (code !== 'UND_ERR_SOCKET' && code !== 'ECONNRESET') throw err;
    return fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  }
}
