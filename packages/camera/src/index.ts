// Public API of @shotline/camera.
export {};
