// Original file: device-server.proto

export interface RenewLeasesReply {
  /**
   * Handles the server does not know (closed, expired, or the server restarted).
   */
  unknownHandles?: string[];
}

export interface RenewLeasesReply__Output {
  /**
   * Handles the server does not know (closed, expired, or the server restarted).
   */
  unknownHandles: string[];
}
