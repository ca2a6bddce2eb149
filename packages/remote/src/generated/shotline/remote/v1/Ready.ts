// Original file: device-server.proto

export interface Ready {}

export interface Ready__Output {}
