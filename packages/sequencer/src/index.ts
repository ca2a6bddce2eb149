// Public API of @shotline/sequencer.
export {};
