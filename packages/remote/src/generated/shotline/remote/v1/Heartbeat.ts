// Original file: device-server.proto

export interface Heartbeat {}

export interface Heartbeat__Output {}
