// Public API of @shotline/storage-postgres.
export {};
