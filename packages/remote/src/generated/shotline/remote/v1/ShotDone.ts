// Original file: device-server.proto

export interface ShotDone {}

export interface ShotDone__Output {}
