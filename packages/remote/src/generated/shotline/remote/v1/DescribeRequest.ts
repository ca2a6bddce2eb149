// Original file: device-server.proto

export interface DescribeRequest {}

export interface DescribeRequest__Output {}
