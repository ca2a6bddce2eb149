// Public API of @shotline/visa.
export {};
