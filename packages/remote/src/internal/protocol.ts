/** Version of the device-server protocol (`device-server.proto`); both sides must speak the same. */
export const PROTOCOL_VERSION = 1;
