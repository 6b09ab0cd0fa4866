/**
 * What a test visitor does on an SDK test page, the same for every SDK: the page's own code,
 * not the SDK's, so the SDK only sees what a real shop would give it.
 */
export interface ShopActions {
  /** An uncaught TypeError from a timer, as a broken script would throw. */
  throwError(): void;
  /** An unhandled rejection of an Error. */
  rejectPromise(): void;
  /** A POST the shop's API answers 500 (bodies are read: Chrome records the timing only then). */
  failedRequest(): Promise<number>;
  /** A request to a port nothing listens on: a network failure. */
  unreachableRequest(): Promise<string>;
  /** A GET the API answers 200. */
  okRequest(): Promise<number>;
}

export const API = { fail: '/api/cart', ok: '/api/stock', pay: '/api/pay' } as const;

export function shopActions(): ShopActions {
  return {
    throwError() {
      setTimeout(() => {
        const basket = undefined as unknown as { price: number };
        return basket.price;
      });
    },
    rejectPromise() {
      void Promise.reject(new Error('Stock service timed out'));
    },
    async failedRequest() {
      const res = await fetch(API.fail, { method: 'POST', body: '{"sku":"kettle"}' });
      await res.text();
      return res.status;
    },
    async unreachableRequest() {
      try {
        await fetch('http://127.0.0.1:9/api/offline');
        return 'answered';
      } catch (err) {
        return String(err);
      }
    },
    async okRequest() {
      const res = await fetch(API.ok);
      await res.text();
      return res.status;
    },
  };
}
