// Public API of @shotline/testing.
export {};
