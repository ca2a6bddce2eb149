// Public API of @shotline/storage-sqlite.
export {};
