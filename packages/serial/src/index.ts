// Public API of @shotline/serial.
export {};
