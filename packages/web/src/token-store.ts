const KEY = 'shotline.token';

/**
 * The user's token, kept in this browser's local storage (like a saved password) until they log
 * out; the page sends it only to the server it came from.
 */
export const tokenStore = {
  load(): string | null {
    try {
      return localStorage.getItem(KEY);
    } catch {
      return null;
    }
  },
  save(token: string): void {
    localStorage.setItem(KEY, token);
  },
  clear(): void {
    localStorage.removeItem(KEY);
  },
};
