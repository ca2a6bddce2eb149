// Public API of @shotline/server.
export {};
