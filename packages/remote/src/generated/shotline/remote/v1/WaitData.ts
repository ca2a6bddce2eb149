// Original file: device-server.proto

export interface WaitData {
  label?: string;
}

export interface WaitData__Output {
  label: string;
}
